from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Create demo logins and data (idempotent); refused unless DEBUG is on, so they never reach production."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is only for the embedded demo: set DEBUG=1.")
        User = get_user_model()
        with transaction.atomic():
            for spec in DEMO_USERS:
                user, created = User.objects.get_or_create(username=spec["username"], defaults=spec)
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save(update_fields=["password"])
        usernames = ", ".join(u["username"] for u in DEMO_USERS)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}): {usernames}")
