"""The board's price agreement: proposals, the board's votes on them, and the ledger of agreed prices.

Nothing here is ever deleted (PROTECT everywhere): the history of who proposed, who approved, when and
old → new is part of the cooperative's record. A member workshop has no price of its own; Oscar's
stockrecord price is ignored by the shop (catalog/shop/partner/strategy.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.singleton import SingletonSettings

RUPIAH = {"max_digits": 12, "decimal_places": 0}  # whole rupiah: Indonesia has no minor unit in practice


class PriceBoardSettings(SingletonSettings, models.Model):
    """The board's own rules for price changes (one row, edited by the board at /prices/settings/)."""

    quorum = models.PositiveSmallIntegerField(
        _("Approvals needed"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many board members other than the proposer must approve a price."),
    )
    change_threshold_percent = models.PositiveSmallIntegerField(
        _("Change that needs a reason (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("A price change larger than this, up or down, must give a reason."),
    )
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Updated by"),
    )

    class Meta:
        verbose_name = _("Price rules of the board")
        verbose_name_plural = _("Price rules of the board")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class PriceProposal(models.Model):
    """A board member's proposal of a new agreed price (or trader tier) for one purchasable product."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        FORM = "form", _("Proposal form")
        SHEET = "sheet", _("Price sheet import")
        DEMO = "demo", _("Demo data")

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="price_proposals", verbose_name=_("Product")
    )
    min_quantity = models.PositiveIntegerField(
        _("From quantity"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("1 for the agreed price; more for a trader price from that many units."),
    )
    amount = models.DecimalField(_("Price (Rp)"), **RUPIAH)
    previous_amount = models.DecimalField(_("Price in force when proposed"), null=True, blank=True, **RUPIAH)
    effective_from = models.DateTimeField(_("Takes effect"))
    reason = models.TextField(_("Reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="price_proposals",
        verbose_name=_("Proposed by"),
    )
    proposed_at = models.DateTimeField(_("Proposed"), default=timezone.now)
    # The quorum asked for when proposing: changing the rule later does not move the goalposts.
    quorum = models.PositiveSmallIntegerField(_("Approvals needed"))
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(_("Decided"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("Why withdrawn"), blank=True)
    source = models.CharField(_("Source"), max_length=8, choices=Source.choices, default=Source.FORM)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("Price proposal")
        verbose_name_plural = _("Price proposals")
        indexes = [models.Index(fields=["status", "product"]), models.Index(fields=["product", "min_quantity"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="catalog_proposal_amount_positive"),
            models.CheckConstraint(condition=models.Q(min_quantity__gte=1), name="catalog_proposal_min_qty"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.product} Rp {self.amount}"


class ProposalVote(models.Model):
    """One board member's approval or rejection of a proposal (a rejection says why)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    proposal = models.ForeignKey(PriceProposal, on_delete=models.PROTECT, related_name="votes")
    board_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="price_votes", verbose_name=_("Board member")
    )
    decision = models.CharField(_("Decision"), max_length=8, choices=Decision.choices)
    reason = models.TextField(_("Reason"), blank=True)
    decided_at = models.DateTimeField(_("When"), default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("Vote on a price proposal")
        verbose_name_plural = _("Votes on price proposals")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "board_member"], name="catalog_one_vote_per_member"),
            models.CheckConstraint(
                condition=~models.Q(decision="reject") | ~models.Q(reason=""), name="catalog_rejection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board_member} {self.decision} #{self.proposal_id}"


class AgreedPriceQuerySet(models.QuerySet):
    def valid(self):
        """Agreed prices that were not withdrawn before they started (withdrawn ones never were in force)."""
        return self.filter(cancelled_at__isnull=True)


class AgreedPrice(models.Model):
    """The ledger: an approved price for a product from a moment on. The latest started one is in force."""

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, related_name="agreed_prices", verbose_name=_("Product")
    )
    min_quantity = models.PositiveIntegerField(_("From quantity"), default=1)
    amount = models.DecimalField(_("Price (Rp)"), **RUPIAH)
    # max(proposed time, approval time): a price never applies before the board agreed it.
    effective_from = models.DateTimeField(_("In force from"))
    proposal = models.OneToOneField(PriceProposal, on_delete=models.PROTECT, related_name="agreed_price")
    agreed_at = models.DateTimeField(_("Agreed"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("Withdrawn before it started"), null=True, blank=True)

    objects = AgreedPriceQuerySet.as_manager()

    class Meta:
        ordering = ["product", "min_quantity", "effective_from", "pk"]
        verbose_name = _("Agreed price")
        verbose_name_plural = _("Agreed prices")
        indexes = [models.Index(fields=["product", "min_quantity", "effective_from"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="catalog_agreed_amount_positive"),
            models.CheckConstraint(condition=models.Q(min_quantity__gte=1), name="catalog_agreed_min_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.product} Rp {self.amount} ({self.effective_from:%Y-%m-%d %H:%M})"


class PriceBookVersion(models.Model):
    """One row whose token changes in the same transaction as any agreed price (approved, withdrawn, seeded).

    Shop workers keep the agreements they have read (catalog/price_book.py) for as long as the token they read
    with is the one in the database: a new or withdrawn price shows on the next page in every worker, with no
    shared cache to keep in step (issue 16)."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("Price book version")

    def __str__(self) -> str:
        return self.token
