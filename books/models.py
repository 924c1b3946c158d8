"""The cooperative's money books: accounts, postings and their legs (append-only), closed months, the board's fee
rates and settings, members' bank accounts and payout runs. The rules are in books/ledger.py (plain Python)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.singleton import SingletonSettings
from inventory.models.base import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

from . import ledger


class Account(models.Model):
    """One account of the books: a member's (what the cooperative owes it) or one of the cooperative's own."""

    code = models.CharField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=120)
    member = models.OneToOneField(
        "inventory.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="books_account",
        verbose_name=_("Member workshop"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("Account")
        verbose_name_plural = _("Accounts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Posting(AppendOnlyModel):
    """One event's effect on the books; its legs sum to zero. ``idempotency_key`` names the event, so a replay
    posts nothing; ``month`` is the month it is booked in (never a closed one)."""

    kind = models.CharField(_("Kind"), max_length=12, choices=[(k, k) for k in ledger.KINDS])
    reference = models.CharField(_("Reference"), max_length=120)
    date = models.DateField(_("Date"))
    month = models.DateField(_("Booked in month"), db_index=True)
    order_line = models.ForeignKey(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Order line")
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("Posting")
        verbose_name_plural = _("Postings")

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.reference}"


class Leg(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    amount = models.BigIntegerField(_("Amount (Rp)"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("Leg")
        verbose_name_plural = _("Legs")
        indexes = [models.Index(fields=["account", "posting"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0) & models.Q(amount__gte=-ledger.MAX_AMOUNT, amount__lte=ledger.MAX_AMOUNT),
                name="books_leg_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Leg rows are never edited; post a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Leg rows are never deleted; post a correction.")


class ClosedMonth(models.Model):
    """The board closed a month: its postings are final and its statements fixed."""

    month = models.DateField(_("Month"), unique=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(_("Closed at"), auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("Closed month")
        verbose_name_plural = _("Closed months")

    def __str__(self) -> str:
        return ledger.month_label(self.month)


class FeeRate(models.Model):
    """The cooperative's fee on sales from a day on, for every product class or one; the latest started wins,
    a class's own rate over the general one. Rows are never changed: a new rate supersedes."""

    product_class = models.ForeignKey(
        "catalogue.ProductClass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Product class (empty: all)"),
    )
    percent = models.DecimalField(
        _("Fee (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(ledger.MAX_FEE_PERCENT)],
    )
    effective_from = models.DateField(_("In force from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("Fee rate")
        verbose_name_plural = _("Fee rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=ledger.MAX_FEE_PERCENT),
                name="books_fee_percent_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.percent}% {self.product_class or '*'} {self.effective_from}"


class BooksSettings(SingletonSettings, models.Model):
    """The board's money rules (one row)."""

    monthly_dues = models.PositiveIntegerField(
        _("Monthly dues (Rp)"), default=25_000, validators=[MaxValueValidator(10_000_000)]
    )
    payout_minimum = models.PositiveIntegerField(
        _("Smallest payout (Rp)"), default=50_000, validators=[MaxValueValidator(100_000_000)]
    )
    pool_share_percent = models.PositiveSmallIntegerField(
        _("Pool price (% of the agreed price)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("What a member who hands its own order to the pool pays the maker per unit."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Money rules")
        verbose_name_plural = _("Money rules")

    def __str__(self) -> str:
        return "Money rules"


class BankAccount(models.Model):
    """A member's bank account for payouts. A new one waits for the board's confirmation; until then payouts
    keep going to the confirmed one (or wait)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the board")
        CONFIRMED = "confirmed", _("Confirmed")
        REPLACED = "replaced", _("Replaced")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="bank_accounts")
    bank = models.CharField(_("Bank"), max_length=60)
    number = models.CharField(_("Account number"), max_length=30)
    holder = models.CharField(_("Name on the account"), max_length=100)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member", "-requested_at"]
        verbose_name = _("Bank account")
        verbose_name_plural = _("Bank accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="confirmed"), name="books_one_confirmed_account"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="pending"), name="books_one_pending_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} {self.number} ({self.holder})"


class PayoutRun(models.Model):
    """Money transferred to members: made by one board member, approved by another, exported and marked paid by
    staff (with the bank's reference). Marking it paid posts each line (kind payout)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Made by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Marked paid by"),
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    bank_reference = models.CharField(_("Bank reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Payout run")
        verbose_name_plural = _("Payout runs")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("created_by")), name="books_payout_checker_is_not_maker"
            )
        ]

    def __str__(self) -> str:
        return f"P{self.pk}"

    @property
    def reference(self) -> str:
        return f"GUYUB-P{self.pk}"


class PayoutLine(models.Model):
    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="lines")
    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("Amount (Rp)"), validators=[MinValueValidator(1)])
    bank = models.CharField(_("Bank"), max_length=60)
    number = models.CharField(_("Account number"), max_length=30)
    holder = models.CharField(_("Name on the account"), max_length=100)

    class Meta:
        ordering = ["member__code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], name="books_one_payout_line_per_member"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="books_payout_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.member_id} {self.amount}"
