import sys

from django.core.management.base import BaseCommand

from common.audit import audit_trail_verify


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; print 'intact' or the first broken link (exit status 1)."

    def handle(self, *args, **options):
        result = audit_trail_verify()
        if result.intact:
            self.stdout.write(f"Audit trail intact: {result.checked} events checked.")
            return
        self.stderr.write(
            f"Audit trail BROKEN at event {result.first_broken_sequence} ({result.code}): {result.message}"
        )
        sys.exit(1)
