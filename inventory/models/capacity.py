"""Capacity and load per member per ISO week (weeks are the Monday that starts them)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..ledger import MAX_MOVE
from .base import AppendOnlyModel


class WeeklyLoad(AppendOnlyModel):
    """Committed work, as a ledger: +units when work is taken on for a week, −units when it is released.

    A member's load in a week is the sum of its rows. Sources name what caused them ("own-order:12"; the
    routing issue adds "work-order:7"), and a source's load in a week never goes below zero.
    """

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="loads")
    week = models.DateField(_("Week starting"))
    units = models.IntegerField(_("Units"))
    product_class = models.ForeignKey(
        "catalogue.ProductClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Product class"),
    )

    class Meta:
        ordering = ["week", "id"]
        indexes = [models.Index(fields=["member", "week"])]
        verbose_name = _("Weekly load")
        verbose_name_plural = _("Weekly loads")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(units__gte=-MAX_MOVE, units__lte=MAX_MOVE), name="inventory_load_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.week} {self.units:+d} {self.source}"


class OwnOrder(models.Model):
    """An order a member took itself (outside the shop); it loads the member's due week.
    The overflow issue lets a member post part of it to the pool."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="own_orders")
    product_class = models.ForeignKey(
        "catalogue.ProductClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("Product class")
    )
    quantity = models.PositiveIntegerField(_("Quantity"))
    due_week = models.DateField(_("Due week"))
    note = models.CharField(_("Customer or note"), max_length=255, blank=True)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    # The form's token, so a double tap or a retried post records one order (none for orders recorded by code).
    idempotency_key = models.CharField(
        _("Request key"), max_length=100, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_week", "id"]
        verbose_name = _("Own order")
        verbose_name_plural = _("Own orders")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="inventory_own_order_positive"),
            models.CheckConstraint(condition=models.Q(quantity__lte=MAX_MOVE), name="inventory_own_order_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.quantity} × {self.product_class} by {self.due_week}"

    @property
    def load_source(self) -> str:
        return f"own-order:{self.pk}"
