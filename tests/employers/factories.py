import itertools

import factory

from common.roles import EMPLOYER
from common.validators import iin_bin_check_digit
from employers.models import Employer, EmployerMembership
from tests.common.factories import UserFactory

_serials = itertools.count(1)


def next_valid_bin() -> str:
    """A fresh BIN with a correct check digit (YYMM 4 = resident legal entity, then a serial)."""
    while True:
        first_eleven = f"2401400{next(_serials):04d}"
        check = iin_bin_check_digit(first_eleven)
        if check is not None:
            return f"{first_eleven}{check}"


class EmployerFactory(factory.django.DjangoModelFactory):
    """`EmployerFactory(regions=[region])`."""

    class Meta:
        model = Employer
        skip_postgeneration_save = True

    bin = factory.LazyFunction(next_valid_bin)
    name = factory.Sequence(lambda n: f"Employer {n} LLP")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


def employer_user(employer: Employer, **kwargs):
    """A user with the employer role, linked to `employer`."""
    user = UserFactory(role=EMPLOYER, **kwargs)
    EmployerMembership.objects.create(user=user, employer=employer)
    return user
