"""Finished goods: each member's stock of a variant is its Oscar stockrecord, changed only by StockMovements."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..ledger import MAX_BALANCE, MAX_MOVE
from .base import AppendOnlyModel, Movement


class Production(AppendOnlyModel):
    """One recording of finished units; its stock and material movements point back to it."""

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="productions")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("Quantity"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Production")
        verbose_name_plural = _("Productions")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__lte=MAX_MOVE), name="inventory_production_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.member.code} {self.quantity} × {self.product}"


class StockMovement(Movement):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening stock")
        PRODUCED = "produced", _("Produced")
        ALLOCATED = "allocated", _("Sold (allocated to an order)")
        DEALLOCATED = "deallocated", _("Order cancelled (allocation released)")
        SHIPPED = "shipped", _("Shipped")
        RETURNED = "returned", _("Returned by a buyer")
        ADJUSTED = "adjusted", _("Adjusted")
        TRANSFER_OUT = "transfer_out", _("Transferred to another member")
        TRANSFER_IN = "transfer_in", _("Received from another member")

    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    in_stock_delta = models.IntegerField(_("Change in stock"))
    allocated_delta = models.IntegerField(_("Change allocated"), default=0)
    production = models.ForeignKey(
        Production, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_movements"
    )
    order_line = models.ForeignKey(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="stock_movements"
    )

    class Meta(Movement.Meta):
        verbose_name = _("Stock movement")
        verbose_name_plural = _("Stock movements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    in_stock_delta__gte=-MAX_BALANCE,
                    in_stock_delta__lte=MAX_BALANCE,
                    allocated_delta__gte=-MAX_BALANCE,
                    allocated_delta__lte=MAX_BALANCE,
                ),
                name="inventory_stock_delta_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.in_stock_delta:+d} ({self.stockrecord_id})"
