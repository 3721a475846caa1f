"""What apps contribute to common without common importing them (STYLE.md: "common imports no app").

Apps register in their AppConfig.ready():
- a **role link**: how a user of one role is tied to one of the app's objects (employers links an
  employer user to an employer). Common's user services, forms, API and /me/ use it by name.
- **navigation entries**: header links and home-page cards, each for some roles.
- **demo seeders**: the app's part of `seed_demo_data`, run after common's own demo users.
- **policy decision sources**: what the app has already decided with a policy parameter's value between two
  dates (approved quota plans, approved amendments). The policy page lists them when a period is added in the
  past (DOMAIN §9): they keep the value they were decided with.
- **periodic tasks**: the app's beat schedules; `setup_periodic_tasks` writes them as django-celery-beat rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from celery.schedules import crontab


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


@dataclass(frozen=True, kw_only=True)
class PeriodicTaskSpec:
    """A beat schedule as the code declares it: a crontab read in `timezone`, the task and its kwargs.

    Business periods (a day, a month, a year in Kazakhstan) are declared in Asia/Almaty, so "the 1st at 00:30"
    is Almaty's 1st whatever zone beat runs in; housekeeping may say UTC. `name` is the row's name and the
    declaration's identity: renaming a spec declares a new task.
    """

    name: str
    task: str  # the Celery task name, e.g. "common.clear_expired_sessions"
    minute: str
    hour: str
    day_of_month: str = "*"
    month_of_year: str = "*"
    day_of_week: str = "*"
    timezone: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def __post_init__(self):
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"periodic task {self.name!r}: unknown time zone {self.timezone!r}") from exc
        # Celery's own parser: a field it cannot read fails here, at start-up, not in beat at run time.
        crontab(
            minute=self.minute,
            hour=self.hour,
            day_of_month=self.day_of_month,
            month_of_year=self.month_of_year,
            day_of_week=self.day_of_week,
        )
        json.dumps(dict(self.kwargs))  # tasks take ids and plain values (STYLE "Celery"): JSON or TypeError

    def crontab_fields(self) -> dict[str, str]:
        return {
            "minute": self.minute,
            "hour": self.hour,
            "day_of_month": self.day_of_month,
            "month_of_year": self.month_of_year,
            "day_of_week": self.day_of_week,
            "timezone": self.timezone,
        }

    def spec_hash(self) -> str:
        """A fingerprint of everything declared; `setup_periodic_tasks` updates a row when it changes."""
        declared = {**asdict(self), "kwargs": dict(self.kwargs)}
        return hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()


_role_links: dict[str, RoleLink] = {}
_nav_entries: dict[str, NavEntry] = {}
_demo_seeders: list[Callable[..., None]] = []
_policy_decision_sources: dict[str, PolicyDecisionSource] = {}
_periodic_tasks: dict[str, PeriodicTaskSpec] = {}


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


def register_periodic_task(spec: PeriodicTaskSpec) -> None:
    """Declare a beat schedule (in the app's AppConfig.ready()); `setup_periodic_tasks` writes it as a row."""
    existing = _periodic_tasks.get(spec.name)
    if existing is not None and existing != spec:
        raise ValueError(f"periodic task {spec.name!r} is already registered")
    _periodic_tasks[spec.name] = spec


def periodic_tasks() -> list[PeriodicTaskSpec]:
    return list(_periodic_tasks.values())
