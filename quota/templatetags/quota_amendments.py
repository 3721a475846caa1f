"""Template tags of the quota pages that read amendments (DOMAIN §5)."""

from django import template

from quota.amendments import plan_version as current_plan_version

register = template.Library()


@register.simple_tag
def plan_version(plan) -> int:
    """The plan's current version: 1 when approved, +1 per approved amendment."""
    return current_plan_version(plan)
