"""Oscar's payment models plus what Guyub's two payment methods need to remember.

* ``CardPayment`` — one Stripe PaymentIntent. It exists *before* the order, and even before Stripe is called: a
  PENDING row with the idempotency key (``attempt_key``) is committed first, so a worker killed while Stripe
  answers leaves a record the sweep can resolve (no money held at Stripe without a record). It carries the order
  number and links to the order once placement succeeds; webhooks find it by intent id or by its attempt key.
* ``BankTransfer`` — the transfer an order waits for: a reference the buyer writes on the transfer, the amount,
  and the time the order's stock is held until.
* ``ProcessedWebhookEvent`` — every Stripe event id we acted on, unique, written in the same transaction as the
  event's effect so a redelivered event has no second effect.
* ``MidtransPayment`` — an order paid through Midtrans Snap (virtual accounts, QRIS, e-wallets): the order id sent
  to Midtrans, the amount, where the buyer pays (Snap's redirect_url) and until when the stock is held.
* ``MidtransNotification`` — every (transaction_id, transaction_status) we acted on, from an HTTP notification or a
  status check, unique, written in the same transaction as its effect: replays and duplicates have no second effect.
* ``FakeStripeObject`` — test card mode only: the state of the fake Stripe (intents, refunds, idempotency keys),
  kept in the database so every process (gunicorn workers, db_worker, commands) sees the same fake account.

Money is whole rupiah in Decimal fields (Stripe's minor units are computed at the edge, stripe_gateway.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardPayment(models.Model):
    PENDING, REQUIRES_ACTION, AUTHORISED, CAPTURED, CANCELLED, FAILED = (
        "pending",
        "requires_action",
        "authorised",
        "captured",
        "cancelled",
        "failed",
    )
    STATUS_CHOICES = [
        (PENDING, _("Sent to the card processor, no answer yet")),
        (REQUIRES_ACTION, _("Waiting for the card holder")),
        (AUTHORISED, _("Authorised")),
        (CAPTURED, _("Captured")),
        (CANCELLED, _("Authorisation cancelled")),
        (FAILED, _("Failed")),
    ]
    # Webhooks may arrive in any order: a status only moves to a higher rank, so an old
    # "authorised" event arriving after "captured" changes nothing.
    RANK = {PENDING: -1, REQUIRES_ACTION: 0, FAILED: 1, AUTHORISED: 2, CAPTURED: 3, CANCELLED: 3}

    # Empty (NULL) while PENDING: Stripe has not answered yet. NULLs do not collide under the unique constraint.
    intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, unique=True, null=True, blank=True)
    # The idempotency key sent with the authorisation (also in the intent's metadata as ``guyub_attempt``):
    # unique, so the request that inserts it owns the attempt and a double submit of the same form does not.
    attempt_key = models.CharField(_("Idempotency key"), max_length=255, unique=True, null=True, blank=True)
    # Which request may place (and, on failure, cancel) an order with this payment: a random token, taken by
    # compare-and-set. Empty when nobody is placing right now (e.g. the buyer is on the 3-D Secure page).
    claim = models.CharField(max_length=32, blank=True, editable=False)
    order_number = models.CharField(_("Order number"), max_length=128, db_index=True)
    order = models.ForeignKey(
        "order.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_payments",
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


class HeldPayment(models.Model):
    """A payment the buyer makes after placing the order (a bank transfer, Midtrans): the order's stock is held
    until ``expires_at``; once paid, what is not refunded yet may be refunded."""

    PAID, EXPIRED, CANCELLED = "paid", "expired", "cancelled"
    ENDINGS = [(EXPIRED, _("Expired")), (CANCELLED, _("Cancelled"))]

    expires_at = models.DateTimeField(_("Stock held until"), db_index=True)
    amount_refunded = models.DecimalField(_("Refunded"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        app_label = "payment"
        ordering = ["-created_at"]

    @property
    def refundable(self):
        return (self.amount if self.status == self.PAID else 0) - self.amount_refunded


class BankTransfer(HeldPayment):
    AWAITING = "awaiting"
    STATUS_CHOICES = [(AWAITING, _("Awaiting transfer")), (HeldPayment.PAID, _("Received")), *HeldPayment.ENDINGS]

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="bank_transfer", verbose_name=_("Order")
    )
    reference = models.CharField(_("Transfer reference"), max_length=32, unique=True)
    amount = models.DecimalField(_("Amount to transfer"), max_digits=12, decimal_places=2)
    status = models.CharField(_("Status"), max_length=16, choices=STATUS_CHOICES, default=AWAITING)
    paid_at = models.DateTimeField(_("Received at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Confirmed by"),
    )
    released_at = models.DateTimeField(_("Stock released at"), null=True, blank=True)

    class Meta(HeldPayment.Meta):
        verbose_name = _("Bank transfer")
        verbose_name_plural = _("Bank transfers")

    def __str__(self):
        return self.reference


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


class MidtransPayment(HeldPayment):
    PENDING = "pending"
    STATUS_CHOICES = [(PENDING, _("Waiting for payment")), (HeldPayment.PAID, _("Paid")), *HeldPayment.ENDINGS]

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="midtrans_payment", verbose_name=_("Order")
    )
    # The order_id sent to Midtrans (the order number); Midtrans refuses a second transaction with the same one.
    gateway_order_id = models.CharField(_("Midtrans order id"), max_length=50, unique=True)
    amount = models.DecimalField(_("Amount"), max_digits=12, decimal_places=2)
    status = models.CharField(_("Status"), max_length=16, choices=STATUS_CHOICES, default=PENDING)
    payment_type = models.CharField(_("Paid with"), max_length=32, blank=True)
    transaction_id = models.CharField(_("Midtrans transaction"), max_length=64, blank=True)
    redirect_url = models.URLField(_("Payment page"), max_length=500, blank=True)
    paid_at = models.DateTimeField(_("Paid at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("Last status check"), null=True, blank=True)

    class Meta(HeldPayment.Meta):
        verbose_name = _("Midtrans payment")
        verbose_name_plural = _("Midtrans payments")

    def __str__(self):
        return f"{self.gateway_order_id} ({self.status})"


class MidtransNotification(models.Model):
    NOTIFICATION, STATUS_CHECK = "notification", "status"

    transaction_id = models.CharField(_("Midtrans transaction"), max_length=64)
    transaction_status = models.CharField(_("Transaction status"), max_length=32)
    order_id = models.CharField(_("Midtrans order id"), max_length=50, db_index=True)
    status_code = models.CharField(max_length=3)
    gross_amount = models.DecimalField(_("Amount"), max_digits=14, decimal_places=2)
    payment_type = models.CharField(_("Paid with"), max_length=32, blank=True)
    fraud_status = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=16, default=NOTIFICATION)
    outcome = models.CharField(_("Outcome"), max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "payment"
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction_id", "transaction_status"], name="payment_midtrans_notification_once"
            )
        ]
        verbose_name = _("Midtrans notification")
        verbose_name_plural = _("Midtrans notifications")

    def __str__(self):
        return f"{self.order_id} {self.transaction_status}"


class FakeStripeObject(models.Model):
    """One object of the fake Stripe account of test card mode (``kind``: payment_intent, refund, idempotency)."""

    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=255)
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "payment"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="payment_fakestripe_kind_key")]
        verbose_name = _("Test card mode object")
        verbose_name_plural = _("Test card mode objects")

    def __str__(self):
        return f"{self.kind} {self.key}"


from oscar.apps.payment.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
