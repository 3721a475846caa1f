from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
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


class AppendOnlyViolation(Exception):
    """Raised by any attempt to change or delete a row of an append-only table (audit events, ledger movements).

    The ORM refuses here on every database; on PostgreSQL a trigger (common.append_only) refuses as well, so even
    SQL that bypasses the ORM cannot rewrite history."""


class AuditTrailImmutable(AppendOnlyViolation):
    """Raised by any attempt to change or delete an audit event: the trail is append-only."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are inserted, never updated or deleted in bulk (the model refuses one at a time)."""

    immutable_error: type[AppendOnlyViolation] = AppendOnlyViolation

    def update(self, **kwargs):
        raise self.immutable_error(f"{capfirst(self.model._meta.verbose_name_plural)} are never updated.")

    def delete(self):
        raise self.immutable_error(f"{capfirst(self.model._meta.verbose_name_plural)} are never deleted.")


class AppendOnlyModel(models.Model):
    """A row written once: saving an existing row or deleting one raises `immutable_error`."""

    immutable_error: type[AppendOnlyViolation] = AppendOnlyViolation

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.immutable_error(f"{capfirst(self._meta.verbose_name_plural)} are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.immutable_error(f"{capfirst(self._meta.verbose_name_plural)} are never deleted.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    immutable_error = AuditTrailImmutable

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(AppendOnlyModel):
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
    immutable_error = AuditTrailImmutable

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]

    def __str__(self):
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The last event's sequence and hash: one row, locked for each append so the chain stays linear."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return f"head #{self.sequence}"


# ---------------------------------------------------------------------------------------------
# Policy parameters (DOMAIN §0, §9): every number policy can change, with validity periods
# ---------------------------------------------------------------------------------------------
class PolicyParameter(models.Model):
    """A number (or switch, or small structure) that policy can change, e.g. the quota rate or the MCI.

    Identified by name and an optional key (a category, a fee group, a scope). Its values live in
    `PolicyPeriod` rows that never overlap; rules read them only through `common.policy.policy_value`.
    The description and rule reference are data an official may correct (never invented clause numbers).
    """

    class ValueType(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        INTEGER = "integer", _("Integer")
        DAYS = "days", _("Number of days")
        MONEY = "money", _("Amount in tenge")
        SWITCH = "switch", _("Switch (yes/no)")
        STRUCTURE = "structure", _("Structure")

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(
        _("key"), max_length=50, blank=True, help_text=_("Category, fee group or scope; empty when the name has none.")
    )
    value_type = models.CharField(_("value type"), max_length=20, choices=ValueType.choices)
    description = models.TextField(_("description"), blank=True)
    rule_reference = models.CharField(
        _("rule reference"), max_length=300, blank=True, help_text=_("The legal text it comes from, as shown to users.")
    )

    class Meta:
        verbose_name = _("policy parameter")
        verbose_name_plural = _("policy parameters")
        ordering = ["name", "key"]
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="policy_parameter_name_key_unique")]

    def __str__(self):
        return f"{self.name} [{self.key}]" if self.key else self.name


class PolicyPeriodImmutable(Exception):
    """Raised by any attempt to edit or delete a policy period: past periods are never changed (DOMAIN §0)."""


class PolicyPeriodQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PolicyPeriodImmutable("Policy periods are never edited; add a new period instead.")

    def delete(self):
        raise PolicyPeriodImmutable("Policy periods are never deleted.")

    def in_force_on(self, day):
        """Periods in force on `day` (both ends inclusive; an empty valid_to is open)."""
        return self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day), valid_from__lte=day)

    def close_open_period(self, *, parameter, valid_to) -> int:
        """Give the open period of `parameter` its end date: the only change a period ever gets."""
        open_periods = self.filter(parameter=parameter, valid_to__isnull=True)
        return models.QuerySet.update(open_periods, valid_to=valid_to)


class PolicyPeriod(models.Model):
    """One value of a policy parameter, in force from `valid_from` to `valid_to` (inclusive; empty = open).

    Periods of one parameter never overlap. A new period starts after the latest start and closes the
    open one the day before (common.services.policy_period_add); nothing else ever changes a period.
    `value` is JSON: a percentage as a string with three decimals ("0.250"), integers as numbers,
    a switch as a boolean, a structure as an object.
    """

    parameter = models.ForeignKey(
        PolicyParameter, on_delete=models.PROTECT, related_name="periods", verbose_name=_("parameter")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Inclusive; empty: open."))
    value = models.JSONField(_("value"))
    to_be_confirmed = models.BooleanField(
        _("to be confirmed"), default=False, help_text=_("The value is not yet confirmed by a primary legal text.")
    )
    source = models.CharField(_("source"), max_length=500, help_text=_("A URL or the document the value comes from."))
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PolicyPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy period")
        verbose_name_plural = _("policy periods")
        ordering = ["parameter", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="policy_period_valid_to_not_before_valid_from",
            ),
            models.UniqueConstraint(fields=["parameter", "valid_from"], name="policy_period_parameter_start_unique"),
            # At most one open period per parameter: two concurrent adds cannot both leave one open.
            models.UniqueConstraint(
                fields=["parameter"], condition=models.Q(valid_to__isnull=True), name="policy_period_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.parameter} {self.valid_from}…{self.valid_to or ''}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PolicyPeriodImmutable("Policy periods are never edited; add a new period instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PolicyPeriodImmutable("Policy periods are never deleted.")


# ---------------------------------------------------------------------------------------------
# Reference lists (DOMAIN §1): countries, sectors (OKED sections), occupations (ISCO-08)
# ---------------------------------------------------------------------------------------------
class LocalisedNameMixin:
    """`name` (or `title`) in the active language, English when the language has none."""

    localised_prefix = "name"

    def _localised(self) -> str:
        language = (translation.get_language() or "en")[:2]
        prefix = self.localised_prefix
        return getattr(self, f"{prefix}_{language}", None) or getattr(self, f"{prefix}_en")


class Country(LocalisedNameMixin, models.Model):
    """A country (ISO 3166-1) with its EAEU membership: EAEU citizens need no permit (DOMAIN §2).

    Loaded from common/data/countries.csv; officials may correct the names (never the codes).
    """

    alpha_2 = models.CharField(_("alpha-2 code"), max_length=2, unique=True)
    alpha_3 = models.CharField(_("alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("numeric code"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    eaeu_member = models.BooleanField(_("EAEU member"), default=False)
    eaeu_member_since = models.DateField(_("EAEU member since"), null=True, blank=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["alpha_2"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(eaeu_member=True) | models.Q(eaeu_member_since__isnull=True),
                name="country_eaeu_since_only_for_members",
            ),
        ]

    def __str__(self):
        return f"{self.alpha_2} {self.name}"

    @property
    def name(self) -> str:
        return self._localised()


class Sector(LocalisedNameMixin, models.Model):
    """A section of OKED (Kazakhstan's classifier of economic activities, NACE Rev. 2 at section level)
    and the permit-fee group it pays in (A, B or C; group C is inferred, to be confirmed — DOMAIN §1)."""

    class FeeGroup(models.TextChoices):
        A = "A", _("Group A")
        B = "B", _("Group B")
        C = "C", _("Group C")

    class FeeGroupStatus(models.TextChoices):
        PUBLISHED = "published", _("Published")
        INFERRED = "inferred", _("Inferred (to be confirmed)")

    oked_section = models.CharField(_("OKED section"), max_length=1, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    fee_group = models.CharField(_("fee group"), max_length=1, choices=FeeGroup.choices)
    fee_group_status = models.CharField(_("fee group status"), max_length=20, choices=FeeGroupStatus.choices)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["oked_section"]

    def __str__(self):
        return f"{self.oked_section} {self.name}"

    @property
    def name(self) -> str:
        return self._localised()


class Occupation(LocalisedNameMixin, models.Model):
    """An ISCO-08 major group (1 digit) or sub-major group (2 digits); Kazakhstan's NKZ is based on ISCO-08."""

    class Level(models.TextChoices):
        MAJOR = "major", _("Major group")
        SUB_MAJOR = "sub-major", _("Sub-major group")

    localised_prefix = "title"

    isco08_code = models.CharField(_("ISCO-08 code"), max_length=4, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["isco08_code"]

    def __str__(self):
        return f"{self.isco08_code} {self.title}"

    @property
    def title(self) -> str:
        return self._localised()


# ---------------------------------------------------------------------------------------------
# Beat schedules (common.registry.PeriodicTaskSpec, written by `setup_periodic_tasks`)
# ---------------------------------------------------------------------------------------------
class PeriodicTaskDeclaration(models.Model):
    """Which declared spec a django-celery-beat row was last set from: its hash, so `setup_periodic_tasks`
    applies a changed declaration and otherwise keeps what an administrator edited in the row."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        on_delete=models.CASCADE,  # an administrator deleted the row: the next setup declares it afresh
        related_name="declaration",
        verbose_name=_("periodic task"),
    )
    spec_hash = models.CharField(_("spec hash"), max_length=64)
    applied_at = models.DateTimeField(_("applied at"), auto_now=True)

    class Meta:
        verbose_name = _("periodic task declaration")
        verbose_name_plural = _("periodic task declarations")
        ordering = ["name"]

    def __str__(self):
        return self.name
