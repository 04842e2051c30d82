"""What counts as a message Pause can read: not empty, some letters or digits, not a document,
not mostly markup."""
import re

# Longer than any answer or story a manager types; pasted documents are asked to be left out.
MAX_MESSAGE_CHARS = 5000
# An HTML or XML tag, as typed or pasted; shared with the redactor, which blanks tags before it reads.
MARKUP_TAG = re.compile(r"<[^<>\n]{0,200}>")
# A script or style element is code from its opening tag to its closing one.
_CODE_ELEMENT = re.compile(r"<(script|style)\b[^<>]{0,200}>.{0,2000}?</\1\s*>", re.IGNORECASE | re.DOTALL)


def without_markup(text: str) -> str:
    """The text with every tag blanked by spaces of its length, so the words around it stand apart
    ("<div>i want" reads "i want") and every other character keeps its place."""
    return MARKUP_TAG.sub(lambda tag: " " * len(tag.group()), text)


def is_blank(text: str) -> bool:
    """True for empty text or text of white space only."""
    return not (text or "").strip()


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def is_mostly_markup(text: str) -> bool:
    """True when more of the letters sit inside markup tags than outside them.

    Pasted or typed HTML ("<script>...</script><img ...>") has words a classifier can guess at
    confidently; such a message is asked to be put in words. A tag or two in ordinary writing
    ("<b>the nurse</b> was late") leaves most of the letters outside and is read as usual.
    """
    code = [match.group(0) for match in _CODE_ELEMENT.finditer(text)]
    prose = _CODE_ELEMENT.sub(" ", text)
    tags = code + MARKUP_TAG.findall(prose)
    if not tags:
        return False
    inside = sum(_letters(tag) for tag in tags)
    return inside > _letters(MARKUP_TAG.sub(" ", prose))


def is_unreadable(text: str) -> bool:
    """True when there is nothing to understand: blank, no letters or digits, far too long, or
    mostly markup."""
    text = text or ""
    return len(text) > MAX_MESSAGE_CHARS or not any(ch.isalnum() for ch in text) or is_mostly_markup(text)
