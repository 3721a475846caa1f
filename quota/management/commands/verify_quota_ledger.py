import sys

from django.core.management.base import BaseCommand

from quota.ledger import quota_ledger_verify
from quota.models import QuotaCell


class Command(BaseCommand):
    help = "Compare every quota cell's counters with the sum of its movements; report differences (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this quota year.")

    def handle(self, *args, year=None, **options):
        found = quota_ledger_verify(year=year)
        cells = QuotaCell.objects.filter(**({"year": year} if year else {})).count()
        if not found:
            self.stdout.write(f"Quota ledger consistent: {cells} cells checked.")
            return
        for d in found:
            self.stderr.write(f"{d.cell}: {d.field} is {d.counter}, its movements sum to {d.movements}")
        self.stderr.write(f"{len(found)} difference(s) in {cells} cells.")
        sys.exit(1)
