from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .querysets import RegionQuerySet, UserQuerySet


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in to Kvota. Users are deactivated, never deleted, so decisions keep their actor.

    The role is a Django group (common.roles); a regional official's regions are in RegionalOfficialProfile.
    """

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]


class Region(models.Model):
    """An oblast or city of republican significance (ISO 3166-2:KZ), with its names and validity (DOMAIN §1).

    Loaded from common/data/regions.csv by `load_reference_data`; an official's later edit is never
    overwritten by a reload. A plan uses the regions valid on 1 January of its year.
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")
        HISTORICAL_REGION = "historical_region", _("Former region")

    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("ISO 3166-2:KZ code, e.g. KZ-71."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    admin_centre_en = models.CharField(_("administrative centre"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True, help_text=_("Empty: since before records."))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Inclusive; empty: still valid."))

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="region_valid_to_not_before_valid_from",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language (English when the language has no name of its own)."""
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", None) or self.name_en


class RegionalOfficialProfile(models.Model):
    """The regions a regional official works in (one or more; DOMAIN §10). Other roles have no profile."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="regional_profile", verbose_name=_("user"))
    regions = models.ManyToManyField(Region, related_name="regional_profiles", verbose_name=_("regions"))

    class Meta:
        verbose_name = _("regional official's profile")
        verbose_name_plural = _("regional officials' profiles")

    def __str__(self):
        return str(self.user)


class AuditTrailImmutable(Exception):
    """Raised by any attempt to change or delete an audit event: the trail is append-only."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailImmutable("Audit events are never updated.")

    def delete(self):
        raise AuditTrailImmutable("Audit events are never deleted.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One recorded decision or state change: who, what, on which object, before/after, why.

    Append-only and hash-chained (common.audit). Holds identifiers and values, never copies of
    personal data; the actor is a user id (None for the system: beat tasks, loaders).
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]

    def __str__(self):
        return f"#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailImmutable("Audit events are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailImmutable("Audit events are never deleted.")


class AuditChainHead(models.Model):
    """The last event's sequence and hash: one row, locked for each append so the chain stays linear."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"head #{self.sequence}"
