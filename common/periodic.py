"""The beat schedule, declared once. `setup_periodic_tasks` writes it as django-celery-beat rows.

Rows are created with get_or_create, never overwritten, so an administrator's edit of a schedule
survives restarts (django-celery-beat rewrites rows from settings on every start; STACK.md).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicTaskSpec:
    name: str
    task: str
    hour: str
    minute: str
    description: str


# Times are UTC (beat runs in UTC); 21:00 UTC is 02:00 in Astana, a quiet hour.
PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="Clear expired sessions",
        task="common.clear_expired_sessions",
        hour="21",
        minute="0",
        description="Daily: delete sessions past their expiry.",
    ),
    PeriodicTaskSpec(
        name="Purge expired API tokens",
        task="common.purge_expired_api_tokens",
        hour="21",
        minute="10",
        description="Daily: delete API tokens past their expiry (they no longer authenticate anyway).",
    ),
]
