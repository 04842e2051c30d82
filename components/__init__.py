"""Custom Rasa NLU components of the assistant (thin adapters over the ``bot`` package)."""
