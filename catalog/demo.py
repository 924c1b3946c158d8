"""Demo agreement for the demo cooperative: `seed_agreed_prices()`, called by the demo seed. Idempotent.

- Every purchasable product without an agreed price gets one equal to its stockrecord price (all members'
  stockrecords of a variant share one price in the seed), proposed by the first board member and approved by
  two others at the board meeting (the 12th) two months ago, so the history is complete from the start.
- A trader tier (from 12 units, 10% less) for the first few products, one proposal waiting for the board, and
  one approved price scheduled for the next meeting, so every board screen has something to show.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from . import price_book, services
from .models import AgreedPrice, PriceBoardSettings, PriceProposal, ProposalVote
from .selectors import board_members, price_in_force, purchasable_products

TIER_QUANTITY = 12
TIER_PRODUCTS = 3
DEMO_PENDING_REASON = "Harga kulit sapi dari pemasok naik sejak bulan lalu."
DEMO_SCHEDULED_REASON = "Disepakati di rapat pengurus: ongkos jahit naik."
DEMO_TIER_REASON = "Harga pedagang untuk pembelian grosir."


def _meeting(now: datetime, months: int) -> datetime:
    """The board's monthly meeting (the 12th, 09:00 in Yogyakarta) `months` months from now's month."""
    local = timezone.localtime(now)
    month = local.month - 1 + months
    day = datetime(local.year + month // 12, month % 12 + 1, 12)
    return timezone.make_aware(datetime.combine(day.date(), time(9, 0)))


def _thousands(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 1000


def seed_agreed_prices(*, now: datetime | None = None) -> dict[str, int]:
    """Agree the demo prices; returns how many of each thing were created (empty on a second run)."""
    now = now or timezone.now()
    board = list(board_members().order_by("email"))
    if len(board) < 3:
        return {}  # the demo needs a proposer and two approvers; the demo seed makes three board members
    created: dict[str, int] = {}
    with transaction.atomic():
        rules_ = PriceBoardSettings.current()
        created["agreed prices"] = _agree_stockrecord_prices(board, rules_, now)
        created.update(_extras(board, rules_, now))
    return {what: n for what, n in created.items() if n}


def _agree_stockrecord_prices(board, rules_, now) -> int:
    """Bulk, because the large demo (--scale) has thousands of variants."""
    agreed_at = min(_meeting(now, -2), now - timedelta(days=1))
    unpriced = (
        purchasable_products()
        .filter(agreed_prices__isnull=True, stockrecords__price__gt=0)
        .annotate(seed_price=Min("stockrecords__price"))
        .order_by("upc", "pk")
        .values_list("pk", "seed_price")
    )
    rows = list(unpriced)
    if not rows:
        return 0
    proposer, approvers = board[0], board[1 : 1 + rules_.quorum]
    proposals = PriceProposal.objects.bulk_create(
        [
            PriceProposal(
                product_id=pk,
                amount=Decimal(price).quantize(Decimal("1")),
                effective_from=agreed_at,
                reason="Harga awal koperasi.",
                proposed_by=proposer,
                proposed_at=agreed_at - timedelta(days=2),
                quorum=rules_.quorum,
                status=PriceProposal.Status.APPROVED,
                decided_at=agreed_at,
                source=PriceProposal.Source.DEMO,
            )
            for pk, price in rows
        ],
        batch_size=500,
    )
    ProposalVote.objects.bulk_create(
        [
            ProposalVote(
                proposal=p,
                board_member=member,
                decision=ProposalVote.Decision.APPROVE,
                decided_at=agreed_at - timedelta(days=1) + timedelta(hours=k),
            )
            for p in proposals
            for k, member in enumerate(approvers)
        ],
        batch_size=500,
    )
    AgreedPrice.objects.bulk_create(
        [
            AgreedPrice(
                product_id=p.product_id,
                min_quantity=1,
                amount=p.amount,
                effective_from=agreed_at,
                proposal=p,
                agreed_at=agreed_at,
            )
            for p in proposals
        ],
        batch_size=500,
    )
    price_book.changed()
    return len(proposals)


def _extras(board, rules_, now) -> dict[str, int]:
    demo = PriceProposal.objects.filter(source=PriceProposal.Source.DEMO)
    priced = list(purchasable_products().filter(agreed_prices__isnull=False).distinct().order_by("upc", "pk")[:5])
    if len(priced) < 5:
        return {}
    created = {"tiers": 0, "pending proposals": 0, "scheduled prices": 0}
    proposer, approvers = board[0], board[1 : 1 + rules_.quorum]

    def propose(product, factor, reason, *, approved_by=(), **terms):
        """A demo proposal at ``factor`` times the price in force, approved by ``approved_by`` (a quorum: agreed)."""
        amount = _thousands(price_in_force(product, at=now) * Decimal(factor))
        proposal = services.propose_price(
            product=product,
            amount=amount,
            proposed_by=proposer,
            reason=reason,
            source=PriceProposal.Source.DEMO,
            now=now,
            **terms,
        )
        for member in approved_by:
            services.approve_proposal(proposal=proposal, board_member=member, now=now)

    if not demo.filter(min_quantity__gt=1).exists():
        for product in priced[:TIER_PRODUCTS]:
            propose(product, "0.9", DEMO_TIER_REASON, approved_by=approvers, min_quantity=TIER_QUANTITY)
            created["tiers"] += 1
    if not demo.filter(reason=DEMO_PENDING_REASON).exists():
        propose(priced[3], "1.05", DEMO_PENDING_REASON, effective_from=_meeting(now, 1))
        created["pending proposals"] += 1
    if not demo.filter(reason=DEMO_SCHEDULED_REASON).exists():
        propose(priced[4], "1.08", DEMO_SCHEDULED_REASON, approved_by=approvers, effective_from=_meeting(now, 1))
        created["scheduled prices"] += 1
    return created
