from django.db import migrations

from common.append_only import refuse_changes


class Migration(migrations.Migration):
    """Ledger movements are append-only in the database itself (PostgreSQL trigger; DOMAIN §5 "Integrity")."""

    dependencies = [
        ("common", "0006_audit_events_append_only"),
        ("quota", "0005_quota_amendments"),
    ]

    operations = [refuse_changes("quota_ledgermovement")]
