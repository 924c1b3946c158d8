"""Work routed to members: routing requests (an order line's unmade units or a member's overflow), the
routing runs that answered them, and the work orders each member accepts or declines (issue #6)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from common.singleton import SingletonSettings


class RoutingSettings(SingletonSettings, models.Model):
    """The board's knobs for the engine, one row (pk=1). Defaults: docs/pooling-engine.md's example."""

    fairness = models.FloatField(
        _("Fairness weight"), default=100.0, validators=[MinValueValidator(0), MaxValueValidator(100000)]
    )
    distance = models.FloatField(
        _("Distance weight (per km)"), default=1.0, validators=[MinValueValidator(0), MaxValueValidator(100000)]
    )
    preference = models.FloatField(
        _("Preference weight"), default=20.0, validators=[MinValueValidator(0), MaxValueValidator(100000)]
    )
    response_hours = models.PositiveIntegerField(
        _("Hours to answer a work order"), default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 30)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Far above any fairness/distance cost of a unit, so the engine leaves work unrouted only when it must.
    UNROUTED = 100000.0
    HORIZON_WEEKS = 8

    class Meta:
        verbose_name = _("Routing settings")
        verbose_name_plural = _("Routing settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class RoutingRequest(models.Model):
    """Units that need a maker: the unmade rest of a shop order line, or overflow a member posts to the pool."""

    class Kind(models.TextChoices):
        ORDER = "order", _("Shop order")
        OVERFLOW = "overflow", _("Overflow from a member")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for routing")
        ROUTED = "routed", _("Routed")
        SHORT = "short", _("Partly unroutable")
        DONE = "done", _("Done")
        STOCK = "stock", _("Served from stock")
        WITHDRAWN = "withdrawn", _("Withdrawn: order cancelled")

    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    # Keyed by order line: the promise (due week) made to the buyer when the order was placed.
    order_line = models.OneToOneField(
        "order.Line", on_delete=models.PROTECT, null=True, blank=True, related_name="pooling_request"
    )
    member = models.ForeignKey(
        "inventory.Member",
        on_delete=models.PROTECT,
        related_name="pool_requests",
        verbose_name=_("Posting or fulfilling member"),
    )
    own_order = models.ForeignKey(
        "inventory.OwnOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Product"),
    )
    product_class = models.ForeignKey(
        "catalogue.ProductClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("Product class")
    )
    ordered = models.PositiveIntegerField(_("Units ordered"), default=0)
    from_stock = models.PositiveIntegerField(_("Units from stock"), default=0)
    quantity = models.PositiveIntegerField(_("Units to make"))
    due_week = models.DateField(_("Due week"))
    preferred_member = models.ForeignKey(
        "inventory.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Preferred maker"),
    )
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    round = models.PositiveIntegerField(default=0)
    # The durable trace of the after-commit routing job: when it was last queued and how often. The clock's
    # sweep queues an open request again when no run answered its round (a lost job, a dead worker).
    routing_queued_at = models.DateTimeField(null=True, blank=True)
    routing_attempts = models.PositiveSmallIntegerField(default=0)
    unrouted = models.PositiveIntegerField(_("Units unroutable"), default=0)
    unrouted_reason = models.TextField(_("Why unroutable"), blank=True)
    note = models.CharField(_("Note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Routing request")
        verbose_name_plural = _("Routing requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.quantity} × {self.product or self.product_class}"

    # Why units stayed unrouted: stored as a code, worded when shown (the board may read in either language).
    NO_SKILL, PAST_DUE, NO_CAPACITY = "no-skill", "past-due", "no-capacity"
    REASONS = {
        NO_SKILL: _("No other active member has the skill."),
        PAST_DUE: _("The due week (%(week)s) has passed."),
        NO_CAPACITY: _("Not enough spare capacity among skilled members by the week of %(week)s."),
    }

    @property
    def unrouted_reason_text(self) -> str:
        template = self.REASONS.get(self.unrouted_reason)
        if template is None:
            return self.unrouted_reason  # written before the codes (English) or empty
        return str(template) % {"week": date_format(self.due_week, "j M Y")}

    @property
    def line_id(self) -> str:
        return f"R{self.pk}"


class RoutingRun(models.Model):
    """One routing round of a request: the unique row makes a retried job a no-op."""

    request = models.ForeignKey(RoutingRequest, on_delete=models.CASCADE, related_name="runs")
    round = models.PositiveIntegerField()
    routed = models.PositiveIntegerField(default=0)
    unrouted = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["request", "round"], name="pooling_one_run_per_round")]

    def __str__(self) -> str:
        return f"R{self.request_id} round {self.round}: {self.routed} routed, {self.unrouted} unrouted"


class WorkOrder(models.Model):
    class State(models.TextChoices):
        # Trade orders: planned and booked, offered once the buyer's deposit arrives (makers do not start
        # unpaid work; the capacity stays reserved meanwhile and the offer's answer clock has not started).
        HELD = "held", _("Waiting for the buyer's deposit")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Not answered in time")
        MADE = "made", _("Made")
        HANDED_OVER = "handed_over", _("Handed over")
        WITHDRAWN = "withdrawn", _("Withdrawn: order cancelled")

    LIVE = (State.HELD, State.OFFERED, State.ACCEPTED, State.MADE, State.HANDED_OVER)
    RESERVING = (State.HELD, State.OFFERED)  # not in the load ledger yet, but their weeks are taken
    UNFINISHED = (*RESERVING, State.ACCEPTED, State.MADE)  # the maker's, not yet handed over
    REFUSED = (State.DECLINED, State.EXPIRED)

    request = models.ForeignKey(RoutingRequest, on_delete=models.PROTECT, related_name="work_orders")
    round = models.PositiveIntegerField()
    member = models.ForeignKey("inventory.Member", on_delete=models.PROTECT, related_name="work_orders")
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.PositiveIntegerField(_("Quantity"))
    week = models.DateField(_("Week to make it"))
    due_week = models.DateField(_("Due week"))
    state = models.CharField(_("State"), max_length=12, choices=State.choices, default=State.OFFERED)
    explanation = models.TextField(_("Why this workshop"), blank=True)  # the engine's words (English)
    # The same reasons as facts (routing.reasons), worded in the reader's language by reason_text.
    reasons = models.JSONField(_("Reasons"), default=dict, blank=True)
    decline_reason = models.CharField(_("Reason"), max_length=255, blank=True)
    offered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week", "id"]
        verbose_name = _("Work order")
        verbose_name_plural = _("Work orders")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "round", "member", "week"], name="pooling_one_work_order_per_slot"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pooling_work_order_positive"),
        ]
        indexes = [models.Index(fields=["member", "state"])]

    def __str__(self) -> str:
        return f"WO{self.pk} {self.member_id} {self.quantity} × {self.product_id} ({self.state})"

    @property
    def reason_text(self) -> str:
        """Why this workshop got the work, in the current language (falls back to the engine's English)."""
        facts = self.reasons or {}
        if not facts:
            return self.explanation
        parts = [gettext("Your workshop had %(load)s%% load that week, %(load_with)s%% with this work.") % facts]
        if "rank" in facts:  # absent when not routed by the engine (the demo's hand-made offer)
            parts.append(self._rank_text(facts))
        if facts.get("preferred"):
            parts.append(gettext("The buyer asked for your workshop."))
        return " ".join(parts)

    @staticmethod
    def _rank_text(facts: dict) -> str:
        if facts["makers"] == 1:
            return gettext("You are the only member who makes it (%(km)s km away).") % facts
        if facts["rank"] == 1:
            return (
                ngettext(
                    "You are the nearest of the %(makers)s members who make it (%(km)s km away).",
                    "You are the nearest of the %(makers)s members who make it (%(km)s km away).",
                    facts["makers"],
                )
                % facts
            )
        return (
            gettext(
                "By distance you are number %(rank)s of the %(makers)s members who make it "
                "(%(km)s km away); the nearer ones were full or busier."
            )
            % facts
        )

    @property
    def load_source(self) -> str:
        return f"work-order:{self.pk}"


class MakerPreference(models.Model):
    """A buyer who came from an artisan's page asked for that maker; remembered per basket and product."""

    basket = models.ForeignKey("basket.Basket", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("inventory.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["basket", "product"], name="pooling_one_maker_per_basket_product")
        ]

    def __str__(self) -> str:
        return f"basket {self.basket_id}: product {self.product_id} from {self.member_id}"
