"""Raw materials: a catalogue, each member's balance per material, its MaterialMovements, bills of materials."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.language import reader_is_english

from .. import ledger
from .base import Movement

QUANTITY = {"max_digits": 12, "decimal_places": 2}


class Material(models.Model):
    class Unit(models.TextChoices):
        SQFT = "sqft", _("sq ft")
        METRE = "m", _("m")
        LITRE = "l", _("l")
        PAIR = "pair", _("pairs")
        PIECE = "piece", _("pieces")

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100)
    name_en = models.CharField(_("Name (English)"), max_length=100, blank=True)
    grade = models.CharField(_("Grade"), max_length=20, blank=True)
    unit = models.CharField(_("Unit"), max_length=8, choices=Unit.choices)
    active = models.BooleanField(_("Active"), default=True)

    class Meta:
        ordering = ["name", "grade"]
        verbose_name = _("Material")
        verbose_name_plural = _("Materials")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = self.name_en if reader_is_english() and self.name_en else self.name
        return f"{name} {self.grade}".strip()

    @property
    def places(self) -> int:
        return ledger.UNITS[self.unit].places

    def quantity(self, value, *, positive: bool = True) -> Decimal:
        """``value`` as an exact quantity of this material (whole numbers for counted units)."""
        return ledger.to_quantity(value, self.places, positive=positive)

    def format(self, quantity) -> str:
        return f"{Decimal(quantity).quantize(Decimal(1).scaleb(-self.places))} {self.get_unit_display()}"


class MaterialBalance(models.Model):
    """The running balance of one member's material: a cache of the sum of its movements, kept in step
    by the services in the same transaction (and checked by selectors.material_discrepancies)."""

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="material_balances")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(_("Quantity"), default=Decimal(0), **QUANTITY)

    class Meta:
        ordering = ["member", "material"]
        verbose_name = _("Material balance")
        verbose_name_plural = _("Material balances")
        constraints = [
            models.UniqueConstraint(fields=["member", "material"], name="inventory_one_balance_per_material"),
            # The last line of defence: whatever path writes, the database refuses a negative balance.
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="inventory_balance_not_negative"),
            models.CheckConstraint(
                condition=models.Q(quantity__lte=ledger.MAX_BALANCE), name="inventory_balance_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.code} {self.material}: {self.quantity}"


class MaterialMovement(Movement):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        PURCHASE = "purchase", _("Purchase")
        CONSUMED = "consumed", _("Used in production")
        ADJUSTED = "adjusted", _("Adjusted")
        LENT = "lent", _("Lent to another member")
        BORROWED = "borrowed", _("Borrowed from another member")
        RETURNED = "returned", _("Returned to the lender")
        RETURN_RECEIVED = "return_received", _("Loan returned to us")
        SETTLED = "settled", _("Loan settled")
        TRANSFER_OUT = "transfer_out", _("Given to another member")
        TRANSFER_IN = "transfer_in", _("Received from another member")

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="material_movements")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    delta = models.DecimalField(_("Change in quantity"), **QUANTITY)
    production = models.ForeignKey(
        "inventory.Production", on_delete=models.PROTECT, null=True, blank=True, related_name="material_movements"
    )

    class Meta(Movement.Meta):
        indexes = [models.Index(fields=["member", "material"])]
        verbose_name = _("Material movement")
        verbose_name_plural = _("Material movements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delta__gte=-ledger.MAX_BALANCE, delta__lte=ledger.MAX_BALANCE),
                name="inventory_material_delta_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.delta:+} {self.material}"


class BillLine(models.Model):
    """What one unit consumes of one material, for a product class, a parent product or a variant.

    The most specific level wins per material (inventory.ledger.resolve_bill); a zero removes a material
    that a more general level lists.
    """

    product_class = models.ForeignKey(
        "catalogue.ProductClass",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bill_lines",
        verbose_name=_("Product class"),
    )
    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bill_lines",
        verbose_name=_("Product or variant"),
    )
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="bill_lines")
    quantity = models.DecimalField(_("Per unit"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["product_class", "product", "material"]
        verbose_name = _("Bill of materials line")
        verbose_name_plural = _("Bills of materials")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(product_class__isnull=True) ^ models.Q(product__isnull=True)),
                name="inventory_bill_for_class_or_product",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="inventory_bill_not_negative"),
            models.UniqueConstraint(fields=["product_class", "material"], name="inventory_bill_class_material"),
            models.UniqueConstraint(fields=["product", "material"], name="inventory_bill_product_material"),
        ]

    def __str__(self) -> str:
        return f"{self.product_class or self.product}: {self.quantity} {self.material}"

    def clean(self):
        # Per-unit amounts must fit the material's unit, so that production's consumption stays exact.
        if self.material_id and self.quantity:
            try:
                self.material.quantity(self.quantity)
            except ledger.LedgerError as error:
                raise ValidationError({"quantity": str(error)}) from error
