from django.core.management.base import BaseCommand, CommandError

from common.reference_data import DATASETS, ReferenceDataError
from common.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the reference data shipped in common/data/ (idempotent): insert missing rows, never overwrite a "
        "stored row (an official may have edited it) and report how it differs. A malformed file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", choices=[d.name for d in DATASETS], action="append", help="Load only this dataset (repeatable)."
        )

    def handle(self, *args, **options):
        datasets = [d for d in DATASETS if not options["only"] or d.name in options["only"]]
        try:
            reports = reference_data_load(datasets=datasets)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            self.stdout.write(report.summary())
            for key, field, stored, in_file in report.conflicts:
                self.stdout.write(
                    self.style.WARNING(
                        f"  {report.name} {key}: {field} is {stored!r} here, {in_file!r} in the file (kept)"
                    )
                )
