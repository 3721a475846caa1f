"""Demo logins for the embedded default (`make run`): one per role. They exist only when DEBUG is on.

Plain data (the Makefile prints the usernames without setting Django up). Users whose role needs a
link to another app's object (the employer user) are created by that app's demo seeder.

`seed_demo_policy` keeps the demo alive past the last value the shipped files know (the MCI ends on
2026-12-31): with DEBUG only, it carries the last known value of a parameter the demo needs into the
current year as an illustrative period. It imports Django code inside the function, so this module
stays importable without Django set up.
"""

from __future__ import annotations

from datetime import date, timedelta

DEMO_PASSWORD = "kvota-demo-2026"  # noqa: S105 - published demo login, DEBUG only

DEMO_USERS = [
    {
        "username": "employer",
        "first_name": "Aruzhan",
        "last_name": "Bekova",
        "email": "employer@kvota.example",
        "role": "employer",
    },
    {
        "username": "official.astana",
        "first_name": "Nurlan",
        "last_name": "Abenov",
        "email": "official.astana@kvota.example",
        "role": "regional_official",
        "regions": ["KZ-71"],
    },
    {
        "username": "official.almaty",
        "first_name": "Dana",
        "last_name": "Serikova",
        "email": "official.almaty@kvota.example",
        "role": "regional_official",
        "regions": ["KZ-75"],
    },
    {
        "username": "ministry",
        "first_name": "Yerlan",
        "last_name": "Ospanov",
        "email": "ministry@kvota.example",
        "role": "ministry_official",
    },
    {
        # A second ministry official: plans are approved, and overrides confirmed, by another official (four eyes).
        "username": "ministry2",
        "first_name": "Gulnara",
        "last_name": "Tulegenova",
        "email": "ministry2@kvota.example",
        "role": "ministry_official",
    },
    {
        "username": "auditor",
        "first_name": "Saule",
        "last_name": "Karimova",
        "email": "auditor@kvota.example",
        "role": "auditor",
    },
    {
        "username": "admin",
        "first_name": "Askar",
        "last_name": "Zhumabayev",
        "email": "admin@kvota.example",
        "role": "administrator",
    },
]


#: The source of every period the demo adds: the policy pages badge such a period "illustrative (demo)".
ILLUSTRATIVE_POLICY_SOURCE = "Kvota demo data — illustrative (demo)"
ILLUSTRATIVE_POLICY_REASON = (
    "Embedded demo (DEBUG only): no value is in force in {year}, so the last known value is carried forward as an "
    "illustrative figure; a ministry official replaces it with the official value by adding a period."
)
#: What the demo needs in force, and on which day (DOMAIN §9): the plan and its amendments read the quota rate,
#: the managers/specialists threshold and seasonal switch and the default category shares on 1 January of the
#: plan year ("jan1"); fees read the MCI on the approval date ("today"). The fee rates are open-ended periods.
DEMO_POLICY_NEEDS = (
    ("quota_rate_percent", "jan1"),
    ("managers_specialists_threshold_percent", "jan1"),
    ("managers_specialists_includes_seasonal", "jan1"),
    ("default_category_shares", "jan1"),
    ("mci_kzt", "today"),
)


def seed_demo_policy(*, stdout, on: date | None = None) -> list:
    """With DEBUG on only: for each parameter in DEMO_POLICY_NEEDS with no period in force on its day of the year
    of `on` (today in Kazakhstan), add an illustrative period carrying its last known value forward, from
    1 January of that year (or the day after the last period ends, if later). It goes through the policy service,
    so it is audited like an official's period; it is open-ended, so a real period added later closes it.

    Nothing is added when a period is in force (real data is never replaced), when the parameter has no earlier
    value, or when its latest period starts after that day. Returns the periods added."""
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from .errors import DomainError
    from .models import PolicyParameter, PolicyPeriod
    from .services import policy_period_add

    if not settings.DEBUG:
        return []
    on = on or timezone.localdate()
    added = []
    for name, when in DEMO_POLICY_NEEDS:
        day = date(on.year, 1, 1) if when == "jan1" else on
        parameter = PolicyParameter.objects.filter(name=name, key="").first()
        if parameter is None or PolicyPeriod.objects.in_force_on(day).filter(parameter=parameter).exists():
            continue
        latest = parameter.periods.order_by("-valid_from").first()
        if latest is None or latest.valid_to is None or latest.valid_to >= day:
            continue  # nothing to carry forward, or a later period exists: not the demo's to fill
        valid_from = max(date(on.year, 1, 1), latest.valid_to + timedelta(days=1))
        try:
            period = policy_period_add(
                parameter=parameter,
                valid_from=valid_from,
                value=latest.value,
                source=f"{ILLUSTRATIVE_POLICY_SOURCE}: the value of {latest.valid_from.isoformat()} carried forward, "
                "not an official figure",
                to_be_confirmed=True,
                actor=None,
                reason=ILLUSTRATIVE_POLICY_REASON.format(year=on.year),
            )
        except (DomainError, ValidationError) as refused:
            stdout.write(f"Demo policy: {name} not carried forward ({refused})")
            continue
        added.append(period)
        stdout.write(
            f"Demo policy: no {name} in force on {day.isoformat()}; the last known value ({latest.value}) is carried "
            f"forward from {valid_from.isoformat()} as an illustrative (demo) period"
        )
    return added
