"""Personal data shown to auditors is masked (DOMAIN §10: auditors see everything, personal data masked)."""

from __future__ import annotations

from .roles import AUDITOR, user_role

MASK = "*"


def mask_personal(value: str | None) -> str | None:
    """Keep the first character of each word (and an e-mail's domain); replace the rest with MASK.

    "Aigerim Sadykova" -> "A****** S*******"; "aigerim@kvota.example" -> "a******@kvota.example".
    """
    if not value:
        return value
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{_mask_word(local)}@{domain}"
    return " ".join(_mask_word(word) for word in value.split(" "))


def _mask_word(word: str) -> str:
    if len(word) <= 1:
        return MASK * len(word)
    return word[0] + MASK * (len(word) - 1)


def must_mask_for(user) -> bool:
    """Whether personal data must be masked for this viewer."""
    return user_role(user) == AUDITOR
