import sys

from django.core.management.base import BaseCommand

from quota.models import QuotaCell
from quota.reconciliation import quota_ledger_verify


class Command(BaseCommand):
    help = (
        "Reconcile the quota ledger: counters with movements, allocations with approved plans and amendments, "
        "amendment movements with approved amendments, what each cause holds, used places with issued permits. "
        "Lists each difference in words (exit 1); repairs nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this quota year.")

    def handle(self, *args, year=None, **options):
        found = quota_ledger_verify(year=year)
        cells = QuotaCell.objects.filter(**({"year": year} if year else {})).count()
        if not found:
            self.stdout.write(f"Quota ledger consistent: {cells} cells checked.")
            return
        for difference in found:
            self.stderr.write(f"[{difference.code}] {difference.message}")
        self.stderr.write(f"{len(found)} difference(s) in {cells} cells.")
        sys.exit(1)
