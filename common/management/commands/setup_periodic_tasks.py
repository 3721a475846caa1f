from django.core.management.base import BaseCommand

from common.services import periodic_tasks_setup


class Command(BaseCommand):
    help = "Create the Celery beat schedules declared in common/periodic.py (existing rows are left as edited)."

    def handle(self, *args, **options):
        created = periodic_tasks_setup()
        self.stdout.write(f"Periodic tasks created: {len(created)}" + (f" ({', '.join(created)})" if created else ""))
