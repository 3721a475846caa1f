from django.db import migrations

from common.append_only import refuse_changes


class Migration(migrations.Migration):
    """Audit events are append-only in the database itself (PostgreSQL trigger; DOMAIN §5 "Integrity")."""

    dependencies = [
        ("common", "0005_policy_and_reference_lists"),
    ]

    operations = [refuse_changes("common_auditevent")]
