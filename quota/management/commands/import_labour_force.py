from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quota.imports import FileRejected
from quota.services import labour_force_import


class Command(BaseCommand):
    help = (
        "Import labour-force figures from a CSV file (region_code, year, period, persons, status[, source]) as the "
        "system: all or nothing; a figure that exists for the same region, year and period is replaced. Audited like "
        "an import by a ministry official. (load_labour_force loads the shipped figures and never replaces one.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument("--source", default="", help="The source of rows that name none.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            report = labour_force_import(
                file=path.read_bytes(), source=options["source"], filename=path.name, actor=None
            )
        except FileRejected as exc:
            lines = [str(exc.message), *(f"  {error.message}" for error in exc.errors)]
            raise CommandError("\n".join(lines)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read the file: {exc}") from exc
        self.stdout.write(
            f"labour force: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
        )
