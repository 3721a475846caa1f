from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from common.models import Region
from common.validators import validate_bin

from .querysets import EmployerQuerySet


class Employer(models.Model):
    """An organisation that employs foreign workers (DOMAIN §6). Minimal for now: BIN, name, regions.

    The full registry (legal form, sector, headcount, flags, verification) comes with the employer step.
    """

    bin = models.CharField(
        _("BIN"),
        max_length=12,
        unique=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits with a check digit."),
    )
    name = models.CharField(_("name"), max_length=300)
    regions = models.ManyToManyField(
        Region, related_name="employers", verbose_name=_("regions"), help_text=_("Regions the employer operates in.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name", "bin"]
        constraints = [
            # The check digit is validated in Python (common.validators); the database holds the length.
            models.CheckConstraint(condition=Exact(Length("bin"), 12), name="employer_bin_12_characters"),
        ]

    def __str__(self):
        return f"{self.name} ({self.bin})"


class EmployerMembership(models.Model):
    """The link of an employer user to their one employer (DOMAIN §10). An employer may have many users."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employer_membership",
        verbose_name=_("user"),
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("employer")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("employer membership")
        verbose_name_plural = _("employer memberships")

    def __str__(self):
        return f"{self.user} → {self.employer}"
