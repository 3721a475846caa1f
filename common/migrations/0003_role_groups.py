# The five roles of DOMAIN §10 are Django groups of these names (common.roles).
from django.db import migrations

ROLES = ("employer", "regional_official", "ministry_official", "auditor", "administrator")


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("common", "0002_region_and_regional_official_profile"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
