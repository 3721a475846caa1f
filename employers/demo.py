"""The employers part of the embedded demo: two employers and the employer user's link (DEBUG only).

Run by `seed_demo_data` (common) through common.registry; idempotent like the rest of the seed.
"""

from django.contrib.auth import get_user_model

from common.demo import DEMO_PASSWORD, DEMO_USERS
from common.models import Region
from common.roles import EMPLOYER
from common.services import user_create

from .models import Employer
from .services import employer_create

# BINs with valid check digits (common.validators); made up for the demo.
DEMO_EMPLOYERS = [
    {"bin": "240140012342", "name": "Astana Qurylys LLP", "regions": ["KZ-71"], "users": ["employer"]},
    {"bin": "190540028768", "name": "Almaty Trade Group LLP", "regions": ["KZ-75"], "users": []},
]


def seed_demo_employers(*, stdout) -> None:
    User = get_user_model()
    specs = {spec["username"]: spec for spec in DEMO_USERS if spec["role"] == EMPLOYER}
    for item in DEMO_EMPLOYERS:
        employer = Employer.objects.filter(bin=item["bin"]).first()
        if employer is None:
            employer = employer_create(
                bin=item["bin"],
                name=item["name"],
                regions=Region.objects.filter(code__in=item["regions"]),
                actor=None,
            )
        for username in item["users"]:
            if User.objects.filter(username=username).exists():
                continue
            spec = specs[username]
            user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=EMPLOYER,
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                email=spec["email"],
                links={"employer": employer},
                actor=None,
            )
    stdout.write(f"Demo employers: {', '.join(item['name'] for item in DEMO_EMPLOYERS)}")
