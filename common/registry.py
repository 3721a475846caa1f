"""What apps contribute to common without common importing them (STYLE.md: "common imports no app").

Apps register in their AppConfig.ready():
- a **role link**: how a user of one role is tied to one of the app's objects (employers links an
  employer user to an employer). Common's user services, forms, API and /me/ use it by name.
- **navigation entries**: header links and home-page cards, each for some roles.
- **demo seeders**: the app's part of `seed_demo_data`, run after common's own demo users.
- **policy decision sources**: what the app has already decided with a policy parameter's value between two
  dates (approved quota plans, approved amendments). The policy page lists them when a period is added in the
  past (DOMAIN §9): they keep the value they were decided with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RoleLink:
    """A user of `role` is linked to exactly one object of another app (and users of other roles to none)."""

    role: str
    name: str  # field name in forms and the API ("employer")
    label: Any  # lazy translated label
    choices: Callable[[], Any]  # () -> QuerySet of linkable objects
    get: Callable[[Any], Any]  # (user) -> linked object or None
    set: Callable[..., None]  # (*, user, target, actor) -> None; target None removes the link
    source: str  # attribute path from a user to the object, for DRF ("employer_membership.employer")
    summary_serializer: Callable[[], type]  # () -> DRF serializer class of the linked object (read-only)
    describe: Callable[[Any], str] = str  # (object) -> short text for pages


@dataclass(frozen=True)
class NavEntry:
    """A header link (and home-page card) for some roles; `url(user)` may return None to hide it."""

    key: str
    label: Any
    roles: frozenset[str]
    url: Callable[[Any], str | None]
    description: Any = ""
    order: int = 100


@dataclass(frozen=True)
class PolicyDecision:
    """Something already decided with a policy parameter's value; it keeps that value whatever is added later."""

    label: Any  # "Quota plan 2026"
    on: date  # the date that selected the parameter's value (DOMAIN §9)
    value: Any  # the stored value it was decided with; None when the decision did not record it
    url: str | None = None


#: (*, name, key, date_from, date_to) -> decisions whose selecting date is in [date_from, date_to] (date_to None:
#: no end), that used the parameter (name, key); key is None for a parameter without keys.
PolicyDecisionSource = Callable[..., list[PolicyDecision]]

_role_links: dict[str, RoleLink] = {}
_nav_entries: dict[str, NavEntry] = {}
_demo_seeders: list[Callable[..., None]] = []
_policy_decision_sources: dict[str, PolicyDecisionSource] = {}


def register_role_link(link: RoleLink) -> None:
    existing = _role_links.get(link.name)
    if existing is not None and existing != link:
        raise ValueError(f"role link {link.name!r} is already registered")
    _role_links[link.name] = link


def role_links() -> list[RoleLink]:
    return list(_role_links.values())


def role_link_for(role: str | None) -> RoleLink | None:
    return next((link for link in _role_links.values() if link.role == role), None)


def register_nav_entry(entry: NavEntry) -> None:
    _nav_entries[entry.key] = entry


def nav_entries_for(role: str | None) -> list[NavEntry]:
    return sorted((e for e in _nav_entries.values() if role in e.roles), key=lambda e: (e.order, e.key))


def register_demo_seeder(seeder: Callable[..., None]) -> None:
    """`seeder(*, stdout)` adds the app's demo data; it must be idempotent."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders() -> list[Callable[..., None]]:
    return list(_demo_seeders)


def register_policy_decision_source(key: str, source: PolicyDecisionSource) -> None:
    """`source(*, name, key, date_from, date_to)` lists the app's decisions taken under a parameter (see above)."""
    _policy_decision_sources[key] = source


def policy_decisions(*, name: str, key: str | None, date_from: date, date_to: date | None = None) -> list:
    """Every registered app's decisions under (name, key) selected by a date in [date_from, date_to], by date."""
    found = [
        decision
        for source in _policy_decision_sources.values()
        for decision in source(name=name, key=key or None, date_from=date_from, date_to=date_to)
    ]
    return sorted(found, key=lambda decision: (decision.on, str(decision.label)))
