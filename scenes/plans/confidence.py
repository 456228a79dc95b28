"""How sure a verdict is, in words chosen from its top probability (shared by the chapters that
state a verdict: softmax, overview)."""

from __future__ import annotations

from scenes.plans.numbers import prob

SURE, LEANS = 0.9, 0.6  # a top probability at least this high reads "sure" / "leans to"


def how_sure(top: float) -> str:
    """ "certain" (1.000 to three decimals), "sure", "leans" or "unsure"."""
    if prob(top) == prob(1.0):
        return "certain"
    if top >= SURE:
        return "sure"
    if top >= LEANS:
        return "leans"
    return "unsure"
