from django.core.management.base import BaseCommand, CommandError

from quota.imports import FileRejected
from quota.services import SHIPPED_LABOUR_FORCE, labour_force_load_shipped


class Command(BaseCommand):
    help = (
        "Load the published labour-force figures shipped in quota/data/labour_force.csv (idempotent): create the "
        "missing ones, never overwrite a stored figure (an official may have corrected it) and report how it differs. "
        "Run after load_reference_data (the figures name regions). A malformed file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help=f"Load this CSV instead of {SHIPPED_LABOUR_FORCE.name} (same columns).")

    def handle(self, *args, **options):
        try:
            report = labour_force_load_shipped(path=options["file"])
        except FileRejected as exc:
            lines = [str(exc.message), *(f"  {error.message}" for error in exc.errors)]
            raise CommandError("\n".join(lines)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read the file: {exc}") from exc
        self.stdout.write(report.summary())
        for key in report.kept:
            self.stdout.write(self.style.WARNING(f"  {key}: the stored figure differs from the file (kept)"))
