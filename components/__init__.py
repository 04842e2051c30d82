"""Custom Rasa components of the assistant: thin adapters over the ``bot`` package."""
