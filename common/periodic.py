"""Common's beat schedules, registered in CommonConfig.ready() (other apps register theirs the same way).

`setup_periodic_tasks` writes every registered spec as a django-celery-beat row and keeps an administrator's
edit until the declaration itself changes (common.services.periodic_tasks_setup).
"""

from .registry import PeriodicTaskSpec, register_periodic_task

# Housekeeping, so declared in UTC (beat runs in UTC): 21:00 UTC is 02:00 in Astana and Almaty, a quiet hour.
CLEAR_EXPIRED_SESSIONS = PeriodicTaskSpec(
    name="Clear expired sessions",
    task="common.clear_expired_sessions",
    minute="0",
    hour="21",
    timezone="UTC",
    description="Daily: delete sessions past their expiry.",
)
PURGE_EXPIRED_API_TOKENS = PeriodicTaskSpec(
    name="Purge expired API tokens",
    task="common.purge_expired_api_tokens",
    minute="10",
    hour="21",
    timezone="UTC",
    description="Daily: delete API tokens past their expiry (they no longer authenticate anyway).",
)


def register_common_periodic_tasks() -> None:
    register_periodic_task(CLEAR_EXPIRED_SESSIONS)
    register_periodic_task(PURGE_EXPIRED_API_TOKENS)
