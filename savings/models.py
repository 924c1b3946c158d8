"""Simpan-pinjam: the board's savings amounts, each member's savings (a row per member, locked to withdraw), the
passbook's lines, borrower groups (kelompok), loan products, loans with each member's share, instalments,
funders and payments. Every rupiah moves through a books posting (books.services.post) in the same transaction;
these rows are the passbook's and the schedule's side of it and always agree with the books."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from books import ledger as books_ledger

from . import rules

MAX = books_ledger.MAX_AMOUNT


class SavingsKind(models.TextChoices):
    POKOK = "pokok", _("Simpanan pokok")
    WAJIB = "wajib", _("Simpanan wajib")
    SUKARELA = "sukarela", _("Simpanan sukarela")


class Channel(models.TextChoices):
    CASH = "cash", _("Cash at the meeting")
    TRANSFER = "transfer", _("Bank transfer")
    SETTLEMENT = "settlement", _("From the monthly settlement")


class SavingsRule(models.Model):
    """The amount of simpanan pokok or wajib the board set, from a day on (the latest started wins)."""

    kind = models.CharField(
        _("Kind"),
        max_length=8,
        choices=[(SavingsKind.POKOK, SavingsKind.POKOK.label), (SavingsKind.WAJIB, SavingsKind.WAJIB.label)],
    )
    amount = models.PositiveIntegerField(_("Amount (Rp)"), validators=[MaxValueValidator(100_000_000)])
    effective_from = models.DateField(_("In force from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-effective_from", "-id"]
        verbose_name = _("Savings amount")
        verbose_name_plural = _("Savings amounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, amount__lte=100_000_000), name="savings_rule_amount_bounded"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.effective_from}"


class SavingsAccount(models.Model):
    """A member's savings balances (what the books hold on its savings accounts). Withdrawals lock this row,
    and the database refuses a negative balance."""

    member = models.OneToOneField("inventory.Member", on_delete=models.PROTECT, related_name="savings")
    pokok = models.BigIntegerField(_("Simpanan pokok"), default=0)
    wajib = models.BigIntegerField(_("Simpanan wajib"), default=0)
    sukarela = models.BigIntegerField(_("Simpanan sukarela"), default=0)
    lent = models.BigIntegerField(_("Sukarela lent to groups"), default=0)

    class Meta:
        ordering = ["member__code"]
        verbose_name = _("Savings account")
        verbose_name_plural = _("Savings accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pokok__gte=0, wajib__gte=0, sukarela__gte=0, lent__gte=0),
                name="savings_balances_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id}"


class PassbookLine(models.Model):
    """One line of the buku simpanan: a deposit, a withdrawal, sukarela lent or paid back, or a loan
    movement (``loan`` set: the member's debt on that loan goes up or down)."""

    class Kind(models.TextChoices):
        POKOK = "pokok", _("Simpanan pokok")
        WAJIB = "wajib", _("Simpanan wajib")
        SUKARELA = "sukarela", _("Simpanan sukarela")
        LENT = "lent", _("Sukarela lent to groups")
        LOAN = "loan", _("Loan")

    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="passbook")
    kind = models.CharField(_("Kind"), max_length=8, choices=Kind.choices)
    amount = models.BigIntegerField(_("Amount (Rp)"))
    balance = models.BigIntegerField(_("Balance after (Rp)"))
    date = models.DateField(_("Date"))
    channel = models.CharField(_("How"), max_length=12, blank=True)
    text = models.CharField(_("Reference"), max_length=160)
    period = models.DateField(_("For the month"), null=True, blank=True)
    loan = models.ForeignKey("Loan", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    posting = models.ForeignKey("books.Posting", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("Passbook line")
        verbose_name_plural = _("Passbook lines")
        indexes = [models.Index(fields=["member", "kind"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.amount:+d}"


class Group(models.Model):
    """A borrower group (kelompok), formed by neighbourhood, with a leader; jointly liable (tanggung renteng)."""

    code = models.SlugField(_("Code"), max_length=20, unique=True)
    name = models.CharField(_("Name"), max_length=80)
    neighbourhood = models.CharField(_("Neighbourhood"), max_length=80, blank=True)
    leader = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("Leader"))
    members = models.ManyToManyField("inventory.Member", related_name="savings_groups", verbose_name=_("Members"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Group (kelompok)")
        verbose_name_plural = _("Groups (kelompok)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LoanProduct(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")
        MEETING = "meeting", _("On the meeting day (the 12th)")

    class Method(models.TextChoices):
        FLAT = "flat", _("Flat (% of the principal for the whole loan)")
        DECLINING = "declining", _("Declining (% per instalment of what is still owed)")

    name = models.CharField(_("Name"), max_length=80, unique=True)
    min_amount = models.PositiveIntegerField(_("Smallest loan (Rp)"), validators=[MinValueValidator(1)])
    max_amount = models.PositiveIntegerField(_("Largest loan (Rp)"), validators=[MaxValueValidator(1_000_000_000)])
    instalments = models.PositiveSmallIntegerField(
        _("Number of instalments"), validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_INSTALMENTS)]
    )
    frequency = models.CharField(_("Instalments"), max_length=8, choices=Frequency.choices)
    jasa_percent = models.DecimalField(
        _("Jasa (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(rules.MAX_JASA_PERCENT)],
    )
    jasa_method = models.CharField(_("Jasa"), max_length=10, choices=Method.choices, default=Method.FLAT)
    for_groups = models.BooleanField(_("For groups"), default=False)
    in_kind = models.BooleanField(_("In kind (paket usaha)"), default=False)
    active = models.BooleanField(_("Offered"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("Loan product")
        verbose_name_plural = _("Loan products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__gte=1, max_amount__gte=models.F("min_amount")),
                name="savings_product_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(instalments__gte=1, instalments__lte=rules.MAX_INSTALMENTS),
                name="savings_product_instalments_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(jasa_percent__gte=0, jasa_percent__lte=rules.MAX_JASA_PERCENT),
                name="savings_product_jasa_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Loan(models.Model):
    """A loan: to one member, or to a group (one share per member). Applied → two board approvals → disbursed by
    the treasurer → repaid. A loan in kind gives each borrower the same package of materials (``package``) from
    ``stock_from``'s balance in the material ledger; ``coop_stock`` says the materials are the cooperative's
    (kept by that member), else the member's own, which the cooperative then owes it."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Running")
        REPAID = "repaid", _("Repaid")
        REFUSED = "refused", _("Refused")

    reference = models.CharField(_("Reference"), max_length=20, unique=True)
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="loans")
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    purpose = models.CharField(_("Purpose"), max_length=160, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    disbursed_on = models.DateField(_("Disbursed on"), null=True, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stock_from = models.ForeignKey(
        "inventory.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Materials from"),
    )
    coop_stock = models.BooleanField(_("The cooperative's materials"), default=False)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("Loan")
        verbose_name_plural = _("Loans")

    def __str__(self) -> str:
        return self.reference

    @property
    def principal(self) -> int:
        return sum(s.principal for s in self.shares.all())


class PackageLine(models.Model):
    """One material of a loan's paket usaha: what each borrower receives, and its value in whole rupiah."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="package")
    material = models.ForeignKey("inventory.Material", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("Quantity per borrower"), max_digits=12, decimal_places=2)
    unit_price = models.PositiveIntegerField(
        _("Price per unit (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_UNIT_PRICE)]
    )
    value = models.BigIntegerField(_("Value per borrower (Rp)"))

    class Meta:
        ordering = ["loan", "id"]
        verbose_name = _("Package line")
        verbose_name_plural = _("Package lines")
        constraints = [
            models.UniqueConstraint(fields=["loan", "material"], name="savings_one_package_line_per_material"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, unit_price__gte=1, unit_price__lte=rules.MAX_UNIT_PRICE)
                & models.Q(value__gte=0, value__lte=MAX),
                name="savings_package_line_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.material_id} {self.quantity}"


class LoanShare(models.Model):
    """One member's part of a loan (the whole loan, for an individual one) and its schedule."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="shares")
    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="loan_shares")
    principal = models.BigIntegerField(_("Principal (Rp)"))

    class Meta:
        ordering = ["loan", "member__code"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "member"], name="savings_one_share_per_member"),
            models.CheckConstraint(
                condition=models.Q(principal__gt=0, principal__lte=MAX), name="savings_share_principal_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.member_id}"

    @property
    def account_code(self) -> str:
        return f"loan:{self.loan.reference}:{self.member.code}"


class Instalment(models.Model):
    share = models.ForeignKey(LoanShare, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due = models.DateField(_("Due"))
    principal = models.BigIntegerField()
    jasa = models.BigIntegerField()
    paid_principal = models.BigIntegerField(default=0)
    paid_jasa = models.BigIntegerField(default=0)
    waived_jasa = models.BigIntegerField(default=0)  # future jasa an early repayment does not pay
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["share", "number"]
        constraints = [
            models.UniqueConstraint(fields=["share", "number"], name="savings_one_instalment_number"),
            models.CheckConstraint(
                condition=models.Q(
                    paid_principal__gte=0,
                    paid_principal__lte=models.F("principal"),
                    paid_jasa__gte=0,
                    waived_jasa__gte=0,
                    jasa__gte=models.F("paid_jasa") + models.F("waived_jasa"),
                ),
                name="savings_instalment_paid_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share_id}#{self.number}"

    @property
    def remaining(self) -> int:
        return self.principal - self.paid_principal + self.jasa - self.paid_jasa - self.waived_jasa


class Reminder(models.Model):
    """A reminder sent to a member about one instalment: due soon, or in arrears. One per instalment and kind, so
    the reminder job sends nothing twice however often it runs."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        ARREARS = "arrears", _("In arrears")

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("Sent on"))
    email = models.EmailField(_("Sent to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("Reminder")
        verbose_name_plural = _("Reminders")
        constraints = [
            models.UniqueConstraint(fields=["instalment", "kind"], name="savings_one_reminder_per_instalment_kind")
        ]

    def __str__(self) -> str:
        return f"{self.instalment_id} {self.kind}"


class Funding(models.Model):
    """Part of a loan funded from a member's simpanan sukarela (peer funding); repayments flow back to it."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="fundings")
    funder = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="fundings")
    amount = models.BigIntegerField(_("Amount (Rp)"))
    returned = models.BigIntegerField(default=0)
    jasa_earned = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["loan", "funder__code"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "funder"], name="savings_one_funding_per_funder"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, returned__gte=0, returned__lte=models.F("amount")),
                name="savings_funding_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.funder_id} {self.amount}"


class LoanPayment(models.Model):
    """A repayment on one member's share: by the member, or by its group for it (``covered``: tanggung
    renteng; the member then owes the group's payers through the books)."""

    share = models.ForeignKey(LoanShare, on_delete=models.PROTECT, related_name="payments")
    amount = models.BigIntegerField(_("Amount (Rp)"))
    principal = models.BigIntegerField()
    jasa = models.BigIntegerField()
    date = models.DateField(_("Date"))
    channel = models.CharField(_("How"), max_length=12, choices=Channel.choices)
    covered = models.BooleanField(_("Covered by the group"), default=False)
    early = models.BooleanField(_("Early repayment"), default=False)
    posting = models.ForeignKey("books.Posting", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="savings_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.share_id} {self.amount}"


class ShuRun(models.Model):
    """The year's surplus (SHU) shared out: the board enters the surplus and the split the members' meeting decided
    (a share by savings, a share by settled sales; the rest stays for reserves and funds); one board member
    prepares the table, another approves it, which credits every member's account."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for approval")
        APPROVED = "approved", _("Approved and credited")

    year = models.PositiveSmallIntegerField(_("Year"), unique=True)
    surplus = models.BigIntegerField(_("Surplus (Rp)"))
    savings_percent = models.DecimalField(_("Share by savings (%)"), max_digits=5, decimal_places=2)
    sales_percent = models.DecimalField(_("Share by sales (%)"), max_digits=5, decimal_places=2)
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posting = models.ForeignKey("books.Posting", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("SHU")
        verbose_name_plural = _("SHU")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(surplus__gt=0, surplus__lte=MAX)
                & models.Q(savings_percent__gte=0, sales_percent__gte=0)
                & models.Q(savings_percent__lte=100, sales_percent__lte=100),
                name="savings_shu_bounded",
            ),
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("created_by")), name="savings_shu_checker_is_not_maker"
            ),
        ]

    def __str__(self) -> str:
        return f"SHU {self.year}"


class ShuLine(models.Model):
    run = models.ForeignKey(ShuRun, on_delete=models.CASCADE, related_name="lines")
    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="+")
    savings = models.BigIntegerField(_("Savings at year end (Rp)"))
    sales = models.BigIntegerField(_("Settled sales in the year (Rp)"))
    by_savings = models.BigIntegerField(_("By savings (Rp)"))
    by_sales = models.BigIntegerField(_("By sales (Rp)"))

    class Meta:
        ordering = ["member__code"]
        constraints = [models.UniqueConstraint(fields=["run", "member"], name="savings_one_shu_line_per_member")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.member_id}"

    @property
    def total(self) -> int:
        return self.by_savings + self.by_sales
