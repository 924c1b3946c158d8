"""Trade and export orders (issue 20): trade accounts, requests for quote, quotes (revisions kept), messages."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TradeAccount(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trade_account")
    company = models.CharField(_("Company"), max_length=200)
    contact = models.CharField(_("Contact person"), max_length=200)
    country = models.CharField(_("Country"), max_length=100)
    tax_number = models.CharField(_("Tax number"), max_length=60, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Trade account")
        verbose_name_plural = _("Trade accounts")

    def __str__(self) -> str:
        return f"{self.company} ({self.country})"

    @property
    def approved(self) -> bool:
        return self.status == self.Status.APPROVED


class QuoteRequest(models.Model):
    """What a trade buyer asks for: lines, a wanted date, a destination, notes; the quotes answer it."""

    account = models.ForeignKey(TradeAccount, on_delete=models.PROTECT, related_name="requests")
    wanted = models.DateField(_("Wanted by"))
    destination = models.CharField(_("Destination"), max_length=255)
    notes = models.TextField(_("Notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Request for quote")
        verbose_name_plural = _("Requests for quote")

    def __str__(self) -> str:
        return f"RFQ-{self.pk} {self.account.company}"

    @property
    def number(self) -> str:
        return f"RFQ-{self.pk:05d}"


class RequestLine(models.Model):
    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("Quantity"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "product"], name="trade_one_line_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="trade_request_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Quote(models.Model):
    """One revision of the cooperative's answer to a request; a new revision supersedes the last (kept)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Replaced by a revision")
        EXPIRED = "expired", _("Expired")

    request = models.ForeignKey(QuoteRequest, on_delete=models.PROTECT, related_name="quotes")
    revision = models.PositiveIntegerField(_("Revision"))
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    valid_until = models.DateField(_("Valid until"))
    packing = models.DecimalField(_("Packing"), max_digits=14, decimal_places=0, default=Decimal(0))
    shipping = models.DecimalField(_("Shipping estimate"), max_digits=14, decimal_places=0, default=Decimal(0))
    # What the shipping app's rate table quoted for the packed weight (None: no zone or rate for the destination);
    # ``shipping`` differs from it when staff overrode it.
    shipping_quoted = models.DecimalField(
        _("Shipping by the rate table"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    shipping_service = models.CharField(_("Courier service"), max_length=100, blank=True)
    shipping_grams = models.PositiveIntegerField(_("Packed weight (g)"), default=0)
    deposit_percent = models.PositiveSmallIntegerField(
        _("Deposit (%)"), default=30, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    notes = models.TextField(_("Notes for the buyer"), blank=True)
    plan = models.JSONField(_("Production plan"), default=dict, blank=True)  # trade.plan.Plan.as_json()
    override_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.OneToOneField(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="trade_quote"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "-revision"]
        verbose_name = _("Quote")
        verbose_name_plural = _("Quotes")
        constraints = [
            models.UniqueConstraint(fields=["request", "revision"], name="trade_one_quote_per_revision"),
            models.CheckConstraint(condition=models.Q(deposit_percent__lte=100), name="trade_deposit_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def number(self) -> str:
        return f"Q-{self.request_id:05d}-{self.revision}"

    @property
    def goods(self) -> Decimal:
        return sum((line.total for line in self.lines.all()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.goods + self.packing + self.shipping

    @property
    def deposit(self) -> Decimal:
        # Whole rupiah, rounded up: the cooperative never asks less than the agreed share. (Decimal's ``//``
        # truncates toward zero, so the ``-(-x // y)`` ceiling trick would round down here.)
        return (self.total * self.deposit_percent / 100).to_integral_value(rounding=ROUND_CEILING)

    @property
    def balance(self) -> Decimal:
        return self.total - self.deposit

    @property
    def balance_transfer_or_none(self):
        return BalanceTransfer.objects.filter(quote=self).first() if self.order_id else None

    @property
    def shipping_overridden(self) -> bool:
        return self.shipping_quoted is None or self.shipping != self.shipping_quoted

    @property
    def has_override(self) -> bool:
        return any(line.unit_price != line.trade_price for line in self.lines.all())


class BalanceTransfer(models.Model):
    """The second bank transfer of a trade order: the balance after the deposit, asked when the work is ready
    (or when staff ask for it); the order ships only once staff confirmed it arrived."""

    AWAITING, PAID = "awaiting", "paid"
    STATUS_CHOICES = [(AWAITING, _("Awaiting transfer")), (PAID, _("Received"))]

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="balance_transfer")
    reference = models.CharField(_("Transfer reference"), max_length=32, unique=True)
    amount = models.DecimalField(_("Amount to transfer"), max_digits=14, decimal_places=0)
    status = models.CharField(_("Status"), max_length=10, choices=STATUS_CHOICES, default=AWAITING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Balance transfer")
        verbose_name_plural = _("Balance transfers")

    def __str__(self) -> str:
        return self.reference

    @property
    def paid(self) -> bool:
        return self.status == self.PAID


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("Quantity"))
    trade_price = models.DecimalField(_("Trade price (agreed tier)"), max_digits=14, decimal_places=0)
    unit_price = models.DecimalField(_("Unit price"), max_digits=14, decimal_places=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id} @ {self.unit_price}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class Message(models.Model):
    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_cooperative = models.BooleanField(default=False)
    body = models.TextField(_("Message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.body[:40]}"
