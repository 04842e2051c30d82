"""The Just Culture reflection: its questions and the rule engine that turns answers into a route."""
from bot.reflection.engine import Assessment, Route, next_questions, route_for, urgent_route_of
from bot.reflection.questions import QUESTIONS, is_valid_answer

__all__ = [
    "Assessment",
    "Route",
    "QUESTIONS",
    "is_valid_answer",
    "next_questions",
    "route_for",
    "urgent_route_of",
]
