"""Member workshops of the cooperative. Stock and material ledgers build on these (inventory issue)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..ledger import FIRST_JOINED, LATITUDE, LONGITUDE, MAX_WEEKLY_CAPACITY

MICRO_MAX_WORKERS = 4  # BPS: home industry 1–4 workers, small industry 5–19.


def validate_joined(value) -> None:
    """A workshop joined the cooperative on a real day: not before FIRST_JOINED, not in the future."""
    if value < FIRST_JOINED:
        raise ValidationError(
            _("The joining date cannot be before %(date)s."),
            code="too_early",
            params={"date": FIRST_JOINED.isoformat()},
        )
    if value > timezone.localdate():
        raise ValidationError(_("The joining date cannot be in the future."), code="in_future")


def capacity_validators():
    return [MinValueValidator(0), MaxValueValidator(MAX_WEEKLY_CAPACITY)]


def _coordinate_validators(bounds):
    return [MinValueValidator(bounds[0]), MaxValueValidator(bounds[1])]


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)

    def for_user(self, user):
        """The workshops a user may act for (its owner or one of its users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(owner=user) | models.Q(users=user)).distinct()


class Member(models.Model):
    """A member workshop (anggota), one-to-one with the Oscar partner that holds its stockrecords."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    partner = models.OneToOneField("partner.Partner", on_delete=models.PROTECT, related_name="member")
    code = models.SlugField(_("Code"), max_length=20, unique=True, help_text=_("Short id, e.g. m07"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_workshops", verbose_name=_("Owner")
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="workshops", verbose_name=_("Users who act for it")
    )
    workers = models.PositiveSmallIntegerField(_("Workers"), validators=[MinValueValidator(1), MaxValueValidator(19)])
    phone = models.CharField(_("Phone"), max_length=30, blank=True)
    address = models.CharField(_("Address"), max_length=255)
    latitude = models.DecimalField(
        _("Latitude"), max_digits=9, decimal_places=6, validators=_coordinate_validators(LATITUDE)
    )
    longitude = models.DecimalField(
        _("Longitude"), max_digits=9, decimal_places=6, validators=_coordinate_validators(LONGITUDE)
    )
    skills = models.ManyToManyField("catalogue.ProductClass", blank=True, verbose_name=_("Can make"))
    weekly_capacity = models.PositiveIntegerField(_("Weekly capacity (units)"), validators=capacity_validators())
    joined = models.DateField(_("Joined"), default=timezone.localdate, validators=[validate_joined])
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("Member workshop")
        verbose_name_plural = _("Member workshops")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_capacity__lte=MAX_WEEKLY_CAPACITY), name="inventory_member_capacity_bounded"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    latitude__gte=LATITUDE[0],
                    latitude__lte=LATITUDE[1],
                    longitude__gte=LONGITUDE[0],
                    longitude__lte=LONGITUDE[1],
                ),
                name="inventory_member_coordinates",
            ),
            models.CheckConstraint(condition=models.Q(joined__gte=FIRST_JOINED), name="inventory_member_joined"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.partner.name}"

    @property
    def name(self) -> str:
        return self.partner.name

    @property
    def size_class(self) -> str:
        return "micro" if self.workers <= MICRO_MAX_WORKERS else "small"

    def get_size_class_display(self) -> str:
        return _("Home industry (1–4)") if self.size_class == "micro" else _("Small industry (5–19)")

    def capacity_for(self, product_class) -> int:
        """Weekly units of ``product_class`` (a per-class override, else the workshop's weekly capacity)."""
        for override in self.class_capacities.all():  # prefetched by the calendar selectors
            if override.product_class_id == getattr(product_class, "pk", product_class):
                return override.weekly_capacity
        return self.weekly_capacity


class MemberClassCapacity(models.Model):
    """A workshop's weekly capacity for one product class where it differs (e.g. shoes take longer)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="class_capacities")
    product_class = models.ForeignKey(
        "catalogue.ProductClass", on_delete=models.CASCADE, verbose_name=_("Product class")
    )
    weekly_capacity = models.PositiveIntegerField(_("Weekly capacity (units)"), validators=capacity_validators())

    class Meta:
        ordering = ["member", "product_class"]
        verbose_name = _("Capacity for a product class")
        verbose_name_plural = _("Capacities per product class")
        constraints = [
            models.UniqueConstraint(fields=["member", "product_class"], name="inventory_one_capacity_per_class"),
            models.CheckConstraint(
                condition=models.Q(weekly_capacity__lte=MAX_WEEKLY_CAPACITY), name="inventory_class_capacity_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.code} {self.product_class}: {self.weekly_capacity}"
