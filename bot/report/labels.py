"""Readable names for the codes stored with each case, for tables and charts."""

from __future__ import annotations

from bot.content.alternatives import get_alternative

_LABELS = {
    "escalate_now": "Escalated at once (do not delay)",
    "health_support": "Health support",
    "system_learning": "System learning",
    "informal_resolution": "Informal resolution",
    "development": "Development",
    "senior_hr_advice": "Senior HR advice",
    "formal_last_resort": "Formal process (last resort)",
    "formal": "Formal process",
    "hr_advice": "HR advice",
    "escalated": "Escalated",
    "resolved_informally": "Resolved informally",
    "alternative_in_progress": "Alternative in progress",
    "formal_started": "Formal process started",
    "formal_concluded_sanction": "Formal process concluded, with a sanction",
    "formal_concluded_no_sanction": "Formal process concluded, no sanction",
    "withdrawn": "Withdrawn",
    "rest": "REST",
    "web": "Web widget",
    "botframework": "Microsoft Teams (Bot Framework)",
    "cmdline": "Command line",
    # Equality monitoring groups.
    "white": "White",
    "bme": "Black and minority ethnic",
    "not_stated": "Not stated",
    "medical_dental": "Medical and dental",
    "nursing_midwifery": "Nursing and midwifery",
    "additional_clinical": "Clinical support",
    "allied_health": "Allied health professions",
    "scientific_technical": "Scientific, technical and pharmacy",
    "admin_clerical": "Administrative and clerical",
    "estates_ancillary": "Estates and ancillary",
    "substantive": "Substantive",
    "bank": "Bank",
    "agency": "Agency",
}


def label(code: str) -> str:
    """A readable name for a stored code: a known label, or the code with spaces for underscores."""
    known = _LABELS.get(code)
    if known is not None:
        return known
    alternative = get_alternative(code)
    if alternative is not None:
        return alternative.title
    words = code.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]
