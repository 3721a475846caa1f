from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo_policy
from common.models import Region
from common.registry import demo_seeders, role_link_for
from common.services import reference_data_load, user_create


class Command(BaseCommand):
    help = (
        "Create demo logins (one per role) and data (idempotent); refused unless DEBUG is on, so they never "
        "reach production. Loads the reference data first; carries the last known MCI (and plan parameters) into "
        "this year as an illustrative period when none is in force; each app adds its part through common.registry."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is only for the embedded demo: set DEBUG=1.")
        User = get_user_model()
        with transaction.atomic():
            reference_data_load()
            for spec in DEMO_USERS:
                if role_link_for(spec["role"]) is not None or User.objects.filter(username=spec["username"]).exists():
                    # Users linked to another app's object are that app's seeder's to create.
                    continue
                user_create(
                    username=spec["username"],
                    password=DEMO_PASSWORD,
                    role=spec["role"],
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    email=spec["email"],
                    regions=Region.objects.filter(code__in=spec.get("regions", [])),
                    actor=None,
                )
            # Before the apps' parts: the demo plan and fees need policy in force this year (DEBUG only).
            seed_demo_policy(stdout=self.stdout)
            for seeder in demo_seeders():
                seeder(stdout=self.stdout)
        logins = ", ".join(f"{u['username']} ({u['role']})" for u in DEMO_USERS)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}): {logins}")
