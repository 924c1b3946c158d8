"""Oscar's payment models plus what Guyub's two payment methods need to remember.

* ``CardPayment`` — one Stripe PaymentIntent. It exists *before* the order (the card is authorised first), so it
  carries the order number and links to the order once placement succeeds; webhooks find it by intent id.
* ``BankTransfer`` — the transfer an order waits for: a reference the buyer writes on the transfer, the amount,
  and the time the order's stock is held until.
* ``ProcessedWebhookEvent`` — every Stripe event id we acted on, unique, written in the same transaction as the
  event's effect so a redelivered event has no second effect.

Money is whole rupiah in Decimal fields (Stripe's minor units are computed at the edge, stripe_gateway.py).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardPayment(models.Model):
    REQUIRES_ACTION, AUTHORISED, CAPTURED, CANCELLED, FAILED = (
        "requires_action", "authorised", "captured", "cancelled", "failed",
    )
    STATUS_CHOICES = [
        (REQUIRES_ACTION, _("Waiting for the card holder")),
        (AUTHORISED, _("Authorised")),
        (CAPTURED, _("Captured")),
        (CANCELLED, _("Authorisation cancelled")),
        (FAILED, _("Failed")),
    ]
    # Webhooks may arrive in any order: a status only moves to a higher rank, so an old
    # "authorised" event arriving after "captured" changes nothing.
    RANK = {REQUIRES_ACTION: 0, FAILED: 1, AUTHORISED: 2, CAPTURED: 3, CANCELLED: 3}

    intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, unique=True)
    order_number = models.CharField(_("Order number"), max_length=128, db_index=True)
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="card_payments",
        verbose_name=_("Order"),
    )
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("Currency"), max_length=12, default="IDR")
    status = models.CharField(_("Status"), max_length=32, choices=STATUS_CHOICES, default=REQUIRES_ACTION)
    amount_captured = models.DecimalField(_("Captured"), max_digits=12, decimal_places=2, default=0)
    amount_refunded = models.DecimalField(_("Refunded"), max_digits=12, decimal_places=2, default=0)
    last_error = models.CharField(_("Last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payment"
        ordering = ["-created_at"]
        verbose_name = _("Card payment")
        verbose_name_plural = _("Card payments")

    def __str__(self):
        return f"{self.intent_id} ({self.status})"

    @property
    def refundable(self):
        return self.amount_captured - self.amount_refunded


class BankTransfer(models.Model):
    AWAITING, PAID, EXPIRED, CANCELLED = "awaiting", "paid", "expired", "cancelled"
    STATUS_CHOICES = [
        (AWAITING, _("Awaiting transfer")),
        (PAID, _("Received")),
        (EXPIRED, _("Expired")),
        (CANCELLED, _("Cancelled")),
    ]

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="bank_transfer", verbose_name=_("Order")
    )
    reference = models.CharField(_("Transfer reference"), max_length=32, unique=True)
    amount = models.DecimalField(_("Amount to transfer"), max_digits=12, decimal_places=2)
    status = models.CharField(_("Status"), max_length=16, choices=STATUS_CHOICES, default=AWAITING)
    expires_at = models.DateTimeField(_("Stock held until"), db_index=True)
    paid_at = models.DateTimeField(_("Received at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("Confirmed by"),
    )
    released_at = models.DateTimeField(_("Stock released at"), null=True, blank=True)
    amount_refunded = models.DecimalField(_("Refunded"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "payment"
        ordering = ["-created_at"]
        verbose_name = _("Bank transfer")
        verbose_name_plural = _("Bank transfers")

    def __str__(self):
        return self.reference

    @property
    def refundable(self):
        return (self.amount if self.status == self.PAID else 0) - self.amount_refunded


class ProcessedWebhookEvent(models.Model):
    event_id = models.CharField(_("Event id"), max_length=255, unique=True)
    event_type = models.CharField(_("Event type"), max_length=100)
    object_id = models.CharField(_("Object"), max_length=255, blank=True)
    outcome = models.CharField(_("Outcome"), max_length=255, blank=True)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "payment"
        ordering = ["-processed_at"]
        verbose_name = _("Processed webhook event")
        verbose_name_plural = _("Processed webhook events")

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


from oscar.apps.payment.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
