"""Reading a decision the manager typed, carefully.

"Not a formal investigation", "talk to HR before any investigation" and "hearing their side
first" name no formal process: a word like "formal" or "investigation" counts only when nothing
in its clause rules it out or puts it off ("not", "without", "instead of", "before any").
Where both HR and a formal process are named, HR first wins: it is the undecided choice, and
every typed decision is confirmed back before it is stored.
"""
import re
from typing import Iterable, Optional, Tuple

from bot.content.alternatives import match_alternative

FORMAL = "formal"
HR_ADVICE = "hr_advice"

_FORMAL_WORDS = frozenset({"formal", "formally", "investigation", "investigate", "investigating",
                           "disciplinary", "discipline", "sanction"})
_HR_PHRASES = (("hr",), ("human", "resources"), ("people", "team"), ("er", "advice"), ("workforce",))
# Words that, shortly before a formal word in the same clause, rule it out or put it off.
_RULED_OUT = frozenset({
    "no", "not", "never", "without", "nor", "cannot", "instead", "than", "rather", "avoid", "avoiding",
    "before", "prior", "until", "pause", "delay", "postpone", "hold", "off", "against", "unless",
    "dont", "don't", "wont", "won't", "wouldn't", "wouldnt", "shouldn't", "shouldnt", "isn't", "isnt",
    "can't", "cant", "nothing",
})
_WINDOW = 4
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE_BREAK = re.compile(r"[,.;:!?()]|\bbut\b|\bthen\b")


def _clauses(text: str) -> Iterable[Tuple[str, ...]]:
    for part in _CLAUSE_BREAK.split(text.lower().replace("\u2019", "'")):
        words = tuple(_WORD.findall(part))
        if words:
            yield words


def names_formal(text: str) -> bool:
    """True when the text chooses a formal process: a formal word that nothing rules out."""
    for words in _clauses(text):
        for position, word in enumerate(words):
            if word in _FORMAL_WORDS and not _RULED_OUT.intersection(words[max(0, position - _WINDOW):position]):
                return True
    return False


def names_hr(text: str) -> bool:
    """True when the text names HR (talking to HR is never ruled out by the words around it)."""
    for words in _clauses(text):
        for phrase in _HR_PHRASES:
            size = len(phrase)
            if any(words[i:i + size] == phrase for i in range(len(words) - size + 1)):
                return True
    return False


def typed_decision(text: str, options: Iterable[str]) -> Optional[str]:
    """The decision typed text names among the options offered, or None when it names none."""
    offered = tuple(options)
    alternative = match_alternative(text)
    if alternative and alternative.id in offered:
        return alternative.id
    if names_hr(text) and HR_ADVICE in offered:
        return HR_ADVICE
    if names_formal(text) and FORMAL in offered:
        return FORMAL
    return None
