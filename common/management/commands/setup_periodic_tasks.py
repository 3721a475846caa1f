from django.core.management.base import BaseCommand

from common.services import periodic_tasks_setup


class Command(BaseCommand):
    help = (
        "Write the beat schedules the apps register (common.registry.register_periodic_task) as django-celery-beat "
        "rows: create missing ones, apply a declaration changed since the last run, otherwise keep an "
        "administrator's edit. Idempotent; run on every deploy."
    )

    def handle(self, *args, **options):
        report = periodic_tasks_setup()
        for label, names in (("created", report.created), ("updated", report.updated)):
            self.stdout.write(f"Periodic tasks {label}: {len(names)}" + (f" ({', '.join(names)})" if names else ""))
        for name in report.edits_kept:
            self.stdout.write(f"  {name}: edited in the admin, declaration unchanged (edit kept)")
        for name in report.undeclared:
            self.stdout.write(
                self.style.WARNING(f"  {name}: no longer declared by any app (left as is: disable or delete it)")
            )
