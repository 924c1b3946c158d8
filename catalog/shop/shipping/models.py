"""Oscar's shipping app, forked for the cooperative's rate table: zones (Yogyakarta city, DIY, Java, outside
Java, export), courier services (JNE REG, J&T EZ, ...), and per zone and service a rate card of weight bands.
Staff edit it in the admin (catalog/shop/shipping/admin.py); the rules that read it are in rules.py."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules

CODE_LIST = RegexValidator(r"^[A-Za-z0-9*, ]*$", _("Comma-separated codes."))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace("\n", ",").split(",") if part.strip())


class ShippingZone(models.Model):
    code = models.SlugField(_("Code"), max_length=30, unique=True)
    name = models.CharField(_("Name"), max_length=80)
    countries = models.CharField(
        _("Countries"),
        max_length=200,
        validators=[CODE_LIST],
        help_text=_('ISO codes, comma-separated, e.g. "ID" or "SG"; "*" for every country no other zone names.'),
    )
    postcode_prefixes = models.CharField(
        _("Postcode prefixes"),
        max_length=500,
        blank=True,
        validators=[CODE_LIST],
        help_text=_('Comma-separated, e.g. "551" (Kota Yogyakarta). The longest matching prefix wins.'),
    )
    provinces = models.TextField(
        _("Provinces"), blank=True, help_text=_("One per line: used when no postcode prefix matches.")
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("Shipping zone")
        verbose_name_plural = _("Shipping zones")

    def __str__(self):
        return self.name

    def as_rule(self) -> rules.Zone:
        return rules.Zone(
            code=self.code,
            countries=tuple(c.upper() for c in _split(self.countries)),
            postcode_prefixes=_split(self.postcode_prefixes),
            provinces=_split(self.provinces),
        )


class CourierService(models.Model):
    code = models.SlugField(_("Code"), max_length=30, unique=True, help_text=_('e.g. "jne-reg"'))
    courier = models.CharField(
        _("Courier"), max_length=20, choices=[(k, v[0]) for k, v in rules.COURIERS.items()], default="jne"
    )
    service = models.CharField(_("Service"), max_length=30, help_text=_('e.g. "REG", "YES", "EZ"'))
    is_active = models.BooleanField(_("Offered"), default=True)
    position = models.PositiveSmallIntegerField(_("Position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("Courier service")
        verbose_name_plural = _("Courier services")

    def __str__(self):
        return f"{self.courier_name} {self.service}"

    @property
    def courier_name(self) -> str:
        return rules.COURIERS.get(self.courier, (self.courier,))[0]


class RateCard(models.Model):
    """What one courier service charges to one zone: weight bands, and a price per kilogram above the top band."""

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="rate_cards", verbose_name=_("Zone"))
    service = models.ForeignKey(
        CourierService, on_delete=models.CASCADE, related_name="rate_cards", verbose_name=_("Courier service")
    )
    days = models.CharField(_("Estimated days"), max_length=20, help_text=_('e.g. "2–3"'))
    extra_kg_cost = models.PositiveIntegerField(
        _("Per kg above the top band (Rp)"), default=0, validators=[], help_text=_("Whole rupiah.")
    )

    class Meta:
        ordering = ["zone", "service"]
        constraints = [models.UniqueConstraint(fields=["zone", "service"], name="shipping_ratecard_zone_service")]
        verbose_name = _("Rate card")
        verbose_name_plural = _("Rate cards")

    def __str__(self):
        return f"{self.service} → {self.zone}"


class RateBand(models.Model):
    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="bands", verbose_name=_("Rate card"))
    up_to_grams = models.PositiveIntegerField(_("Up to (g)"))
    cost = models.PositiveIntegerField(_("Cost (Rp)"), help_text=_("Whole rupiah."))

    class Meta:
        ordering = ["card", "up_to_grams"]
        constraints = [models.UniqueConstraint(fields=["card", "up_to_grams"], name="shipping_rateband_card_upto")]
        verbose_name = _("Weight band")
        verbose_name_plural = _("Weight bands")

    def __str__(self):
        return f"≤ {self.up_to_grams} g: Rp {self.cost}"


from oscar.apps.shipping.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
