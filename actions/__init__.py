"""Thin rasa-sdk adapters: read slots, call bot/, send domain responses, return events."""
