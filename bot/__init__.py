"""Pause: reflect before a formal process. This package imports nothing from Rasa."""
