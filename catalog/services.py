"""Changing the price agreement. Every service takes keyword arguments and runs in one transaction.

The rules (in force, quorum, sheet checks) are plain Python in catalog/pricing; these services add the
database, the locks and the who-may-do-it. `now=` lets tests (and imports) fix the moment; it defaults to the
current time. Refusals are `common.errors.Refusal` (a ValidationError) naming the field (for forms and sheets)
or PermissionDenied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from common.errors import Refusal

from . import price_book, selectors
from .access import can_govern_prices
from .messages import error
from .models import AgreedPrice, PriceBoardSettings, PriceProposal, ProposalVote
from .pricing import rules
from .pricing.sheet import SheetCheck, check_sheet, check_timing


def _refuse(field: str, code: str, **params) -> None:
    raise Refusal({field: error(code, **params)})


def _require_board(user) -> None:
    if not can_govern_prices(user):
        raise PermissionDenied("Only the board sets prices.")


# --- Proposing ------------------------------------------------------------------------------------------


@transaction.atomic
def propose_price(
    *,
    product,
    amount,
    proposed_by,
    effective_from: datetime | None = None,
    reason: str = "",
    min_quantity: int = 1,
    source: str = PriceProposal.Source.FORM,
    now: datetime | None = None,
) -> PriceProposal:
    """A board member proposes a price (min_quantity 1) or trader tier price for a variant or standalone product.

    `effective_from` None means "as soon as the board approves". The proposal waits for the quorum.
    """
    return _propose(
        product=product,
        amount=amount,
        proposed_by=proposed_by,
        effective_from=effective_from,
        reason=reason,
        min_quantity=min_quantity,
        source=source,
        now=now or timezone.now(),
        rules_=PriceBoardSettings.current(),
    )


def _propose(*, product, amount, proposed_by, effective_from, reason, min_quantity, source, now, rules_):
    _require_board(proposed_by)
    if product.is_parent:
        _refuse("product", "not_purchasable")
    code = rules.amount_problem(amount)
    if code:
        _refuse("amount", code)
    code = rules.min_quantity_problem(min_quantity)
    if code:
        _refuse("min_quantity", code)
    code = check_timing(effective_from, now)
    if code:
        _refuse("effective_from", code)
    amount = Decimal(amount)
    reason = (reason or "").strip()
    prices = selectors.prices_in_force(product, at=now)
    percent = rules.change_needing_reason(
        prices, min_quantity=min_quantity, amount=amount, threshold_percent=rules_.change_threshold_percent
    )
    if percent is not None and not reason:
        _refuse("reason", "reason_required", percent=percent, threshold=rules_.change_threshold_percent)
    proposal = PriceProposal(
        product=product,
        amount=amount,
        min_quantity=min_quantity,
        previous_amount=prices.get(min_quantity),
        effective_from=effective_from or now,
        reason=reason,
        proposed_by=proposed_by,
        proposed_at=now,
        quorum=rules_.quorum,
        source=source,
    )
    _require_reachable_quorum(proposal)
    proposal.save()
    return proposal


def _require_reachable_quorum(proposal: PriceProposal) -> None:
    eligible = selectors.eligible_voter_count(proposal)
    if not rules.quorum_reachable(eligible=eligible, quorum=proposal.quorum):
        _refuse("__all__", "quorum_unreachable", eligible=eligible, quorum=proposal.quorum)


# --- Voting ---------------------------------------------------------------------------------------------


@transaction.atomic
def approve_proposal(*, proposal: PriceProposal, board_member, now: datetime | None = None) -> PriceProposal:
    """Approve; at the quorum the price enters the ledger, in force from max(proposed time, now)."""
    return _vote(proposal, board_member, ProposalVote.Decision.APPROVE, "", now or timezone.now())


@transaction.atomic
def reject_proposal(
    *, proposal: PriceProposal, board_member, reason: str, now: datetime | None = None
) -> PriceProposal:
    """Reject with a reason; the proposal fails once the quorum can no longer be reached."""
    if not (reason or "").strip():
        _refuse("reason", "reason_for_rejection")
    return _vote(proposal, board_member, ProposalVote.Decision.REJECT, reason.strip(), now or timezone.now())


def _vote(proposal, board_member, decision, reason, now) -> PriceProposal:
    _require_board(board_member)
    # The row lock serialises votes on one proposal, so two last approvals cannot both create a ledger row.
    locked = PriceProposal.objects.select_for_update().get(pk=proposal.pk)
    refusal = rules.vote_refusal(
        voter_id=board_member.pk,
        proposer_id=locked.proposed_by_id,
        already_voted=locked.votes.filter(board_member=board_member).exists(),
        is_pending=locked.status == PriceProposal.Status.PENDING,
    )
    if refusal:
        _refuse("__all__", refusal)
    ProposalVote.objects.create(
        proposal=locked, board_member=board_member, decision=decision, reason=reason, decided_at=now
    )
    votes = locked.votes.aggregate(
        approvals=Count("pk", filter=Q(decision=ProposalVote.Decision.APPROVE)),
        rejections=Count("pk", filter=Q(decision=ProposalVote.Decision.REJECT)),
    )
    outcome = rules.tally(**votes, eligible=selectors.eligible_voter_count(locked), quorum=locked.quorum)
    if outcome is rules.Outcome.APPROVED:
        locked.status, locked.decided_at = PriceProposal.Status.APPROVED, now
        AgreedPrice.objects.create(
            product_id=locked.product_id,
            min_quantity=locked.min_quantity,
            amount=locked.amount,
            effective_from=rules.starts_at(locked.effective_from, now),
            proposal=locked,
            agreed_at=now,
        )
        price_book.changed()
        locked.save(update_fields=["status", "decided_at"])
    elif outcome is rules.Outcome.REJECTED:
        locked.status, locked.decided_at = PriceProposal.Status.REJECTED, now
        locked.save(update_fields=["status", "decided_at"])
    return locked


@transaction.atomic
def withdraw_proposal(
    *, proposal: PriceProposal, withdrawn_by, reason: str = "", now: datetime | None = None
) -> PriceProposal:
    """The proposer withdraws a waiting proposal, or an approved one that has not started yet."""
    now = now or timezone.now()
    _require_board(withdrawn_by)
    locked = PriceProposal.objects.select_for_update().get(pk=proposal.pk)
    agreed = None
    if locked.status == PriceProposal.Status.APPROVED:
        agreed = AgreedPrice.objects.select_for_update().get(proposal=locked)
    refusal = rules.withdrawal_refusal(
        by_proposer=locked.proposed_by_id == withdrawn_by.pk,
        is_pending=locked.status == PriceProposal.Status.PENDING,
        starts_at=agreed.effective_from if agreed else None,
        now=now,
    )
    if refusal:
        _refuse("__all__", refusal)
    if agreed:
        agreed.cancelled_at = now
        agreed.save(update_fields=["cancelled_at"])
        price_book.changed()
    locked.status, locked.decided_at = PriceProposal.Status.WITHDRAWN, now
    locked.withdrawn_by, locked.withdrawal_reason = withdrawn_by, (reason or "").strip()
    locked.save(update_fields=["status", "decided_at", "withdrawn_by", "withdrawal_reason"])
    return locked


# --- The board's rules ----------------------------------------------------------------------------------


@transaction.atomic
def update_price_rules(*, quorum: int, change_threshold_percent: int, changed_by) -> PriceBoardSettings:
    """New quorum and reason threshold; proposals already made keep the quorum they were made with."""
    _require_board(changed_by)
    settings_ = PriceBoardSettings.current(lock=True)
    settings_.quorum, settings_.change_threshold_percent = quorum, change_threshold_percent
    settings_.updated_by = changed_by
    settings_.full_clean()
    settings_.save()
    return settings_


# --- Price sheets (CSV) ---------------------------------------------------------------------------------


@dataclass
class SheetResult:
    check: SheetCheck
    proposals: list


def check_price_sheet(
    *, text: str, now: datetime | None = None, board_rules: PriceBoardSettings | None = None
) -> SheetCheck:
    """The dry run: every row checked against the prices in force, nothing written."""
    now = now or timezone.now()
    board_rules = board_rules or PriceBoardSettings.current()
    return check_sheet(
        text,
        lookup=lambda skus: selectors.sheet_catalogue(skus, at=now),
        now=now,
        tz=timezone.get_default_timezone(),
        threshold_percent=board_rules.change_threshold_percent,
    )


@transaction.atomic
def apply_price_sheet(*, text: str, proposed_by, now: datetime | None = None) -> SheetResult:
    """All or nothing: when every row is valid, one proposal per changed row (each still needs the quorum).

    Returns the check and the proposals made; with any problem, the check's problems and no proposals.
    """
    now = now or timezone.now()
    _require_board(proposed_by)
    board_rules = PriceBoardSettings.current()
    check = check_price_sheet(text=text, now=now, board_rules=board_rules)
    if not check.ok:
        return SheetResult(check=check, proposals=[])
    # The check has just applied every rule of `_propose` to every row in this transaction (purchasable SKU,
    # whole rupiah, timing, reason, the price in force as `old`), so the rows are built, not checked again.
    product_ids = selectors.product_ids_by_sku(row.sku for row in check.changes)
    made = [
        PriceProposal(
            product_id=product_ids[row.sku],
            amount=row.amount,
            min_quantity=row.min_quantity,
            previous_amount=row.old,
            effective_from=row.effective_from or now,
            reason=row.reason,
            proposed_by=proposed_by,
            proposed_at=now,
            quorum=board_rules.quorum,
            source=PriceProposal.Source.SHEET,
        )
        for row in check.changes
    ]
    if made:
        _require_reachable_quorum(made[0])  # one proposer, one quorum: the same answer for every row
    return SheetResult(check=check, proposals=PriceProposal.objects.bulk_create(made))
