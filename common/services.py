"""Services of the common app: state changes shared by every other app."""

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from .periodic import PERIODIC_TASKS


@transaction.atomic
def periodic_tasks_setup() -> list[str]:
    """Create the declared beat schedules that do not exist yet; return the names created."""
    created_names = []
    for spec in PERIODIC_TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=spec.minute, hour=spec.hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="UTC"
        )
        _, created = PeriodicTask.objects.get_or_create(
            name=spec.name, defaults={"task": spec.task, "crontab": schedule, "description": spec.description}
        )
        if created:
            created_names.append(spec.name)
    return created_names
