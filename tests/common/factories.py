"""Factories of the common app. Roles are given as group names, exactly as the user services set them."""

import factory
from django.contrib.auth.models import Group

from common.models import Region, RegionalOfficialProfile, User
from common.roles import REGIONAL_OFFICIAL

PASSWORD = "a-long-test-password-2026"

REGION_NAMES = {
    "KZ-71": ("Astana", "Астана қаласы", "город Астана", "city"),
    "KZ-75": ("Almaty", "Алматы қаласы", "город Алматы", "city"),
    "KZ-79": ("Shymkent", "Шымкент қаласы", "город Шымкент", "city"),
    "KZ-19": ("Almaty Region", "Алматы облысы", "Алматинская область", "region"),
}


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "KZ-71"
    kind = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, ("", "", "", "region"))[3])
    name_en = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (o.code,))[0])
    name_kk = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (o.code, o.code))[1])
    name_ru = factory.LazyAttribute(lambda o: REGION_NAMES.get(o.code, (o.code, o.code, o.code))[2])


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(role="auditor")`; a regional official takes `regions=[...]`."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Aigerim"
    last_name = factory.Sequence(lambda n: f"Sadykova{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@kvota.example")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            profile, _ = RegionalOfficialProfile.objects.get_or_create(user=self)
            profile.regions.set(extracted)


def regional_official(*regions, **kwargs) -> User:
    return UserFactory(role=REGIONAL_OFFICIAL, regions=list(regions), **kwargs)
