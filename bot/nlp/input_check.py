"""What counts as a message Pause can read: not empty, some letters or digits, not a document."""

# Longer than any answer or story a manager types; pasted documents are asked to be left out.
MAX_MESSAGE_CHARS = 5000


def is_blank(text: str) -> bool:
    """True for empty text or text of white space only."""
    return not (text or "").strip()


def is_unreadable(text: str) -> bool:
    """True when there is nothing to understand: blank, no letters or digits, or far too long."""
    text = text or ""
    return len(text) > MAX_MESSAGE_CHARS or not any(ch.isalnum() for ch in text)
