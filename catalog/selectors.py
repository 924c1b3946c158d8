"""Reads of the price agreement. The decisions themselves (what is in force, tiers) live in catalog/pricing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from common.roles import BOARD_GROUP

from .models import AgreedPrice, PriceProposal
from .pricing import rules
from .pricing.chart import step_chart
from .pricing.sheet import Priced

Product = get_model("catalogue", "Product")


# --- The agreement in force -------------------------------------------------------------------------------


def agreements_by_product(product_ids: Iterable[int], *, until: datetime | None = None) -> dict[int, list]:
    """Every valid agreed price of the products (started by `until` when given), as plain rules.Agreement."""
    ids = list({pk for pk in product_ids if pk is not None})
    result: dict[int, list] = {pk: [] for pk in ids}
    if not ids:
        return result
    rows = AgreedPrice.objects.valid().filter(product_id__in=ids)
    if until is not None:
        rows = rows.filter(effective_from__lte=until)
    for pk, product_id, amount, effective_from, min_quantity in rows.values_list(
        "pk", "product_id", "amount", "effective_from", "min_quantity"
    ):
        result[product_id].append(rules.Agreement(amount, effective_from, min_quantity, seq=pk))
    return result


def quote_for(product, *, at: datetime, quantity: int = 1) -> rules.Quote | None:
    """The unit price a buyer pays for `quantity` of `product` at `at` (None: not for sale)."""
    agreements = agreements_by_product([product.pk], until=at)[product.pk]
    return rules.quote(agreements, at, quantity)


def price_in_force(product, *, at: datetime) -> Decimal | None:
    """The agreed unit price of `product` at `at` (None: not for sale)."""
    agreement = rules.in_force(agreements_by_product([product.pk], until=at)[product.pk], at)
    return agreement.amount if agreement else None


def prices_in_force(product, *, at: datetime) -> dict[int, Decimal]:
    """min_quantity → amount of every tier in force (the unit price under 1)."""
    agreements = agreements_by_product([product.pk], until=at)[product.pk]
    return {q: a.amount for q, a in rules.tiers_in_force(agreements, at).items()}


# --- The board ---------------------------------------------------------------------------------------------


def board_members() -> QuerySet:
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(Q(groups__name=BOARD_GROUP) | Q(is_superuser=True)).distinct()


def eligible_voter_count(proposal: PriceProposal) -> int:
    """Board members who may vote on a proposal: the board minus the proposer, plus anyone who already voted."""
    board = set(board_members().exclude(pk=proposal.proposed_by_id).values_list("pk", flat=True))
    if proposal.pk:
        board |= set(proposal.votes.values_list("board_member_id", flat=True))
    return len(board)


# --- The price list ---------------------------------------------------------------------------------------


def purchasable_products() -> QuerySet:
    """What can carry an agreed price: variants and standalone products (a parent's price is its children's)."""
    return Product.objects.exclude(structure=Product.PARENT)


def search_price_list(query: str = "") -> QuerySet:
    products = purchasable_products().select_related("parent")
    query = (query or "").strip()
    if query:
        products = products.filter(
            Q(upc__icontains=query)
            | Q(title__icontains=query)
            | Q(title_en__icontains=query)
            | Q(parent__title__icontains=query)
            | Q(parent__title_en__icontains=query)
        )
    return products.order_by("upc", "pk")


@dataclass
class PriceRow:
    product: object
    unit: rules.Agreement | None = None
    tiers: list = field(default_factory=list)  # rules.Agreement for min_quantity > 1, in force
    scheduled: list = field(default_factory=list)  # AgreedPrice approved, not yet started
    pending: list = field(default_factory=list)  # PriceProposal waiting for the board


def price_rows(products: Iterable, *, at: datetime) -> list[PriceRow]:
    """The price list for a page of products: in force, scheduled, waiting. Three queries for the page."""
    products = list(products)
    ids = [p.pk for p in products]
    agreements = agreements_by_product(ids, until=at)
    scheduled = defaultdict(list)
    for agreed in (
        AgreedPrice.objects.valid().filter(product_id__in=ids, effective_from__gt=at).order_by("effective_from")
    ):
        scheduled[agreed.product_id].append(agreed)
    pending = defaultdict(list)
    for proposal in PriceProposal.objects.filter(product_id__in=ids, status=PriceProposal.Status.PENDING).order_by(
        "effective_from"
    ):
        pending[proposal.product_id].append(proposal)
    rows = []
    for product in products:
        tiers = rules.tiers_in_force(agreements[product.pk], at)
        rows.append(
            PriceRow(
                product=product,
                unit=tiers.pop(rules.UNIT, None),
                tiers=[tiers[q] for q in sorted(tiers)],
                scheduled=scheduled[product.pk],
                pending=pending[product.pk],
            )
        )
    return rows


def sheet_rows(*, at: datetime) -> Iterable[tuple]:
    """The whole price list as (sku, title, min_quantity, amount, in force since), for the CSV export."""
    products = list(purchasable_products().order_by("upc", "pk").values_list("pk", "upc", "title"))
    agreements = agreements_by_product([pk for pk, _u, _t in products], until=at)
    for pk, upc, title in products:
        tiers = rules.tiers_in_force(agreements[pk], at)
        if not tiers:
            yield upc or "", title, rules.UNIT, None, None
        for min_quantity in sorted(tiers):
            agreement = tiers[min_quantity]
            yield upc or "", title, min_quantity, agreement.amount, agreement.effective_from


def sheet_catalogue(skus: Iterable[str], *, at: datetime) -> dict[str, Priced]:
    """What the sheet checker needs to know about the SKUs in a sheet."""
    skus = {s for s in skus if s}
    products = list(Product.objects.filter(upc__in=skus).values_list("pk", "upc", "structure"))
    agreements = agreements_by_product([pk for pk, _u, s in products if s != Product.PARENT], until=at)
    catalogue = {}
    for pk, upc, structure in products:
        if structure == Product.PARENT:
            catalogue[upc] = Priced(purchasable=False)
        else:
            tiers = rules.tiers_in_force(agreements[pk], at)
            catalogue[upc] = Priced(purchasable=True, prices={q: a.amount for q, a in tiers.items()})
    return catalogue


def product_ids_by_sku(skus: Iterable[str]) -> dict[str, int]:
    return dict(Product.objects.filter(upc__in={s for s in skus if s}).values_list("upc", "pk"))


def titles_for(skus: Iterable[str]) -> dict[str, str]:
    products = Product.objects.filter(upc__in={s for s in skus if s}).select_related("parent")
    return {p.upc: p.get_title() for p in products}


# --- Proposals and history --------------------------------------------------------------------------------

PROPOSAL_FILTERS = ("pending", "scheduled", "decided", "all")


def proposals(*, show: str = "pending", at: datetime, query: str = "") -> QuerySet:
    rows = PriceProposal.objects.select_related("product", "product__parent", "proposed_by", "agreed_price")
    rows = rows.prefetch_related("votes__board_member")
    if show == "pending":
        rows = rows.filter(status=PriceProposal.Status.PENDING).order_by("effective_from", "pk")
    elif show == "scheduled":
        rows = rows.filter(status=PriceProposal.Status.APPROVED, agreed_price__effective_from__gt=at).order_by(
            "agreed_price__effective_from", "pk"
        )
    elif show == "decided":
        rows = rows.exclude(status=PriceProposal.Status.PENDING).order_by("-decided_at", "-pk")
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(product__upc__icontains=query) | Q(product__title__icontains=query))
    return rows


def proposal_detail(pk: int) -> PriceProposal:
    return (
        PriceProposal.objects.select_related(
            "product", "product__parent", "proposed_by", "withdrawn_by", "agreed_price"
        )
        .prefetch_related("votes__board_member")
        .get(pk=pk)
    )


@dataclass
class HistoryEntry:
    agreed: AgreedPrice
    old: Decimal | None
    in_force: bool
    scheduled: bool


def product_history(product, *, at: datetime) -> dict:
    """Everything the board decided about a product's price: the ledger (old → new), every proposal, a chart."""
    ledger = list(
        AgreedPrice.objects.valid()
        .filter(product=product)
        .select_related("proposal", "proposal__proposed_by")
        .prefetch_related("proposal__votes__board_member")
        .order_by("effective_from", "pk")
    )
    agreements = [rules.Agreement(a.amount, a.effective_from, a.min_quantity, seq=a.pk) for a in ledger]
    current = rules.tiers_in_force(agreements, at)
    in_force = {a.seq for a in current.values()}
    # The ledger is read in the order rules.changes walks it (start, then pk), so the two zip row by row.
    entries = [
        HistoryEntry(
            agreed=agreed, old=change.old, in_force=agreed.pk in in_force, scheduled=agreed.effective_from > at
        )
        for agreed, change in zip(ledger, rules.changes(agreements), strict=True)
    ]
    steps = [(a.effective_from, a.amount) for a in ledger if a.min_quantity == rules.UNIT]
    others = (
        PriceProposal.objects.filter(product=product)
        .exclude(status=PriceProposal.Status.APPROVED)
        .select_related("proposed_by", "withdrawn_by")
        .prefetch_related("votes__board_member")
        .order_by("-proposed_at", "-pk")
    )
    return {
        "entries": list(reversed(entries)),
        "proposals": list(others),
        "chart": step_chart(steps, now=at),
        "tiers": {q: a.amount for q, a in sorted(current.items())},
    }
