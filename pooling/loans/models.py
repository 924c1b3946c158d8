"""Material loans, their event log (which also makes every action idempotent), notices, and the board's
loan settings and material prices."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.singleton import SingletonSettings
from inventory import ledger

from . import rules

QUANTITY = {"max_digits": 12, "decimal_places": 2}
RUPIAH = {"max_digits": 14, "decimal_places": 0}  # whole rupiah, no minor unit


def _setting_validators(name: str) -> list:
    low, high = rules.SETTINGS_BOUNDS[name]
    return [MinValueValidator(low), MaxValueValidator(high)]


def _setting_in_bounds(name: str) -> models.Q:
    low, high = rules.SETTINGS_BOUNDS[name]
    return models.Q(**{f"{name}__gte": low, f"{name}__lte": high})


class MaterialLoan(models.Model):
    class State(models.TextChoices):
        REQUESTED = rules.REQUESTED, _("Requested")
        ACCEPTED = rules.ACCEPTED, _("Accepted, to hand over")
        OPEN = rules.OPEN, _("Lent")
        RECALLED = rules.RECALLED, _("Recalled")
        RETURNED = rules.RETURNED, _("Returned")
        SETTLED = rules.SETTLED, _("Settled in money")
        DECLINED = rules.DECLINED, _("Declined")
        CANCELLED = rules.CANCELLED, _("Cancelled")

    class Recall(models.TextChoices):
        NONE = "", _("Not recalled")
        LENDER = "lender", _("Recalled by the lender")
        AUTOMATIC = "automatic", _("Recalled by Guyub: the lender's work needs it")

    borrower = models.ForeignKey(
        "inventory.Member", on_delete=models.PROTECT, related_name="loans_borrowed", verbose_name=_("Borrower")
    )
    lender = models.ForeignKey(
        "inventory.Member", on_delete=models.PROTECT, related_name="loans_lent", verbose_name=_("Lender")
    )
    material = models.ForeignKey(
        "inventory.Material", on_delete=models.PROTECT, related_name="loans", verbose_name=_("Material")
    )
    requested_quantity = models.DecimalField(_("Quantity asked for"), **QUANTITY)
    quantity = models.DecimalField(_("Quantity lent"), default=Decimal(0), **QUANTITY)
    handed_over = models.DecimalField(_("Handed over"), default=Decimal(0), **QUANTITY)
    returned = models.DecimalField(_("Returned"), default=Decimal(0), **QUANTITY)
    settled = models.DecimalField(_("Settled in money"), default=Decimal(0), **QUANTITY)
    settlement_amount = models.DecimalField(_("Amount owed (Rp)"), default=Decimal(0), **RUPIAH)
    settlement_proposed_by = models.CharField(max_length=10, blank=True)
    # The lender confirms the money arrived: until then the board's overview counts it as owed.
    settlement_paid_at = models.DateTimeField(_("Money received"), null=True, blank=True)
    state = models.CharField(_("State"), max_length=12, choices=State.choices, default=State.REQUESTED, db_index=True)
    needed_by = models.DateField(_("Needed by"))
    return_by = models.DateField(_("Return by"))
    due_on = models.DateField(
        _("Due"), null=True, blank=True, help_text=_("The return date, brought forward by a recall.")
    )
    lender_confirmed_at = models.DateTimeField(null=True, blank=True)
    borrower_confirmed_at = models.DateTimeField(null=True, blank=True)
    recall = models.CharField(_("Recall"), max_length=10, choices=Recall.choices, blank=True, default="")
    recalled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("Note"), max_length=255, blank=True)
    request_key = models.CharField(max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Material loan")
        verbose_name_plural = _("Material loans")
        constraints = [
            models.CheckConstraint(condition=~models.Q(borrower=models.F("lender")), name="loans_two_members"),
            models.CheckConstraint(
                condition=models.Q(returned__gte=0, settled__gte=0, handed_over__gte=0)
                & models.Q(handed_over__gte=models.F("returned") + models.F("settled")),
                name="loans_outstanding_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_quantity__gt=0, requested_quantity__lte=ledger.MAX_MOVE),
                name="loans_requested_quantity_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(return_by__gte=models.F("needed_by")), name="loans_return_after_needed"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.lender.code}→{self.borrower.code} {self.material}"

    @property
    def outstanding(self) -> Decimal:
        return rules.outstanding(self.handed_over, self.returned, self.settled)

    @property
    def active(self) -> bool:
        return self.state in rules.ACTIVE

    def role_of(self, member) -> str | None:
        member_id = getattr(member, "pk", member)
        if member_id == self.lender_id:
            return rules.LENDER
        if member_id == self.borrower_id:
            return rules.BORROWER
        return None


class LoanEvent(models.Model):
    """What happened to a loan, one row per action. Its unique key is the submitted form's token, so a
    double-submitted action finds its own event and changes nothing the second time."""

    loan = models.ForeignKey(MaterialLoan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    quantity = models.DecimalField(null=True, blank=True, **QUANTITY)
    amount = models.DecimalField(null=True, blank=True, **RUPIAH)
    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Loan event")
        verbose_name_plural = _("Loan events")

    def __str__(self) -> str:
        return f"{self.loan_id} {self.action} {self.quantity or ''}"


class LoanNotice(models.Model):
    """A message to a workshop about a loan, shown on its loans page (recalls are also emailed). The text is
    composed when shown (selectors.notice_text), so each reader gets it in their own language."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("New loan request")
        ACCEPTED = "accepted", _("Loan accepted")
        DECLINED = "declined", _("Loan declined")
        RECALLED = "recalled", _("Loan recalled")
        RETURNED = "returned", _("Material returned")
        SETTLEMENT = "settlement", _("Settlement proposed")
        SETTLED = "settled", _("Loan settled")
        PAID = "paid", _("Settlement money received")

    member = models.ForeignKey("inventory.Member", on_delete=models.CASCADE, related_name="loan_notices")
    loan = models.ForeignKey(MaterialLoan, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Loan notice")
        verbose_name_plural = _("Loan notices")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.kind} #{self.loan_id}"


class LoanSettings(SingletonSettings, models.Model):
    """The board's loan rules: one row (pk 1), created with the project defaults on first use."""

    notice_days = models.PositiveSmallIntegerField(
        _("Recall notice (days)"), default=2, validators=_setting_validators("notice_days")
    )
    max_active_loans = models.PositiveSmallIntegerField(
        _("Open loans per member at most"), default=3, validators=_setting_validators("max_active_loans")
    )
    default_term_days = models.PositiveSmallIntegerField(
        _("Default loan term (days)"),
        default=30,
        help_text=_("Return date when the borrower gives none."),
        validators=_setting_validators("default_term_days"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Loan settings")
        verbose_name_plural = _("Loan settings")
        constraints = [
            models.CheckConstraint(condition=_setting_in_bounds(name), name=f"loans_settings_{name}_bounded")
            for name in rules.SETTINGS_BOUNDS
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def singleton_defaults(cls) -> dict:
        return {
            "notice_days": getattr(settings, "GUYUB_LOANS_NOTICE_DAYS", 2),
            "max_active_loans": getattr(settings, "GUYUB_LOANS_MAX_ACTIVE", 3),
            "default_term_days": getattr(settings, "GUYUB_LOANS_TERM_DAYS", 30),
        }


class MaterialPrice(models.Model):
    """The board's price of one unit of a material, used when a loan is settled in money."""

    material = models.OneToOneField(
        "inventory.Material", on_delete=models.CASCADE, related_name="loan_price", verbose_name=_("Material")
    )
    price = models.DecimalField(_("Price per unit (Rp)"), **RUPIAH)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["material"]
        verbose_name = _("Material price")
        verbose_name_plural = _("Material prices")
        constraints = [models.CheckConstraint(condition=models.Q(price__gte=0), name="loans_price_not_negative")]

    def __str__(self) -> str:
        return f"{self.material}: Rp{self.price}"
