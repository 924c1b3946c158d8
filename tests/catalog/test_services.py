"""Proposals, the quorum of other board members, rejections, withdrawals, and refusing members' prices."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from catalog import selectors, services
from catalog.models import AgreedPrice, PriceBoardSettings, PriceProposal
from inventory.prices import refuse_member_price

from .conftest import codes

pytestmark = pytest.mark.django_db


def _propose(product, who, amount=160_000, **kwargs):
    return services.propose_price(product=product, amount=Decimal(amount), proposed_by=who, **kwargs)


def _refused(expected, action, *args, **kwargs):
    """``action`` raises a ValidationError with exactly the ``expected`` {field: [error codes]}."""
    with pytest.raises(ValidationError) as refused:
        action(*args, **kwargs)
    assert codes(refused.value) == expected


def test_quorum_of_other_board_members(make_product, agree, board_user, board_user_2, board_user_3):
    product = make_product()
    agree(product, 150_000)
    proposal = _propose(product, board_user, reason="leather")
    assert proposal.previous_amount == Decimal("150000") and proposal.quorum == 2
    _refused({"__all__": ["own_proposal"]}, services.approve_proposal, proposal=proposal, board_member=board_user)
    proposal = services.approve_proposal(proposal=proposal, board_member=board_user_2)
    assert proposal.status == PriceProposal.Status.PENDING
    assert selectors.price_in_force(product, at=timezone.now()) == Decimal("150000")
    _refused({"__all__": ["already_voted"]}, services.approve_proposal, proposal=proposal, board_member=board_user_2)
    proposal = services.approve_proposal(proposal=proposal, board_member=board_user_3)
    assert proposal.status == PriceProposal.Status.APPROVED
    assert selectors.price_in_force(product, at=timezone.now()) == Decimal("160000")
    assert list(proposal.votes.values_list("board_member__email", flat=True)) == [
        "board2@guyub.example",
        "board3@guyub.example",
    ]


def test_quorum_is_configurable_and_kept_per_proposal(make_product, board_user, board_user_2, board_user_3):
    product = make_product()
    services.update_price_rules(quorum=1, change_threshold_percent=30, changed_by=board_user)
    quick = _propose(product, board_user, amount=100_000)
    assert services.approve_proposal(proposal=quick, board_member=board_user_2).status == "approved"
    services.update_price_rules(quorum=3, change_threshold_percent=30, changed_by=board_user)
    # only two other board members: 3 cannot be reached
    _refused({"__all__": ["quorum_unreachable"]}, _propose, product, board_user, amount=101_000)
    services.update_price_rules(quorum=2, change_threshold_percent=30, changed_by=board_user)
    assert PriceBoardSettings.current().quorum == 2


def test_only_the_board_proposes_and_votes(make_product, artisan_a, staff_user, board_user, buyer_user):
    product = make_product()
    for outsider in (artisan_a, staff_user, buyer_user):
        with pytest.raises(PermissionDenied):
            _propose(product, outsider)
    proposal = _propose(product, board_user)
    for outsider in (artisan_a, staff_user, buyer_user):
        with pytest.raises(PermissionDenied):
            services.approve_proposal(proposal=proposal, board_member=outsider)
    with pytest.raises(PermissionDenied):
        services.update_price_rules(quorum=1, change_threshold_percent=5, changed_by=staff_user)


def test_rejection_needs_a_reason_and_ends_the_proposal(make_product, board_user, board_user_2):
    product = make_product()
    proposal = _propose(product, board_user)
    _refused(
        {"reason": ["reason_for_rejection"]},
        services.reject_proposal,
        proposal=proposal,
        board_member=board_user_2,
        reason="  ",
    )
    assert not proposal.votes.exists()
    proposal = services.reject_proposal(proposal=proposal, board_member=board_user_2, reason="too early")
    # A board of three: with one "no", the two approvals needed can no longer come.
    assert proposal.status == PriceProposal.Status.REJECTED
    assert proposal.votes.get().reason == "too early"
    assert not AgreedPrice.objects.filter(proposal=proposal).exists()


def test_withdraw_before_it_takes_effect(make_product, agree, board_user, board_user_2, board_user_3):
    product = make_product()
    agree(product, 150_000)
    now = timezone.now()
    waiting = _propose(product, board_user, now=now)
    _refused({"__all__": ["only_proposer"]}, services.withdraw_proposal, proposal=waiting, withdrawn_by=board_user_2)
    assert services.withdraw_proposal(proposal=waiting, withdrawn_by=board_user, reason="typo").status == "withdrawn"

    scheduled = _propose(product, board_user, effective_from=now + timedelta(days=7), now=now)
    for member in (board_user_2, board_user_3):
        services.approve_proposal(proposal=scheduled, board_member=member, now=now)
    assert [p for p in selectors.price_rows([product], at=now)[0].scheduled]
    services.withdraw_proposal(proposal=scheduled, withdrawn_by=board_user, now=now + timedelta(days=1))
    assert selectors.price_in_force(product, at=now + timedelta(days=8)) == Decimal("150000")
    assert AgreedPrice.objects.get(proposal=scheduled).cancelled_at is not None  # kept, marked: history forever

    started = _propose(product, board_user, now=now)
    for member in (board_user_2, board_user_3):
        services.approve_proposal(proposal=started, board_member=member, now=now)
    _refused(
        {"__all__": ["already_in_force"]},
        services.withdraw_proposal,
        proposal=started,
        withdrawn_by=board_user,
        now=now + timedelta(seconds=1),
    )


def test_a_price_never_starts_before_its_approval(make_product, board_user, board_user_2, board_user_3):
    product = make_product()
    proposed_at = timezone.now() - timedelta(hours=3)
    proposal = _propose(product, board_user, effective_from=proposed_at, now=proposed_at)
    approved_at = proposed_at + timedelta(hours=2)
    services.approve_proposal(proposal=proposal, board_member=board_user_2, now=proposed_at + timedelta(hours=1))
    services.approve_proposal(proposal=proposal, board_member=board_user_3, now=approved_at)
    assert AgreedPrice.objects.get(proposal=proposal).effective_from == approved_at
    assert selectors.price_in_force(product, at=approved_at - timedelta(microseconds=1)) is None


def test_bad_proposals_name_the_field(make_product, agree, board_user):
    product = make_product()
    agree(product, 100_000)
    cases = [
        ({"amount": Decimal("150000.5")}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 200_000}, "reason"),  # +100% without a reason
        ({"amount": 101_000, "min_quantity": 0}, "min_quantity"),
        ({"amount": 101_000, "effective_from": timezone.now() - timedelta(days=2)}, "effective_from"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.propose_price(product=product, proposed_by=board_user, **kwargs)
        assert list(codes(refused.value)) == [field], kwargs
    assert not PriceProposal.objects.filter(product=product, status="pending").exists()
    parent = product.__class__.objects.filter(structure="parent").first()
    _refused(
        {"product": ["not_purchasable"]}, services.propose_price, product=parent, amount=100_000, proposed_by=board_user
    )


@pytest.mark.parametrize(
    "fields",
    [
        ["partner_sku", "num_in_stock", "price"],
        {"sku": "x", "Harga": "150000"},
        ["price_excl_tax"],
        ("unit price",),
    ],
)
def test_member_prices_are_refused_naming_the_field(fields):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        refuse_member_price(fields)
    named = [f for f in fields if "price" in f.lower() or "harga" in f.lower()]
    assert codes(refused.value) == {name: ["member_price"] for name in named}
    with translation.override("en"):
        assert all(f"“{name}” is refused" in refused.value.message_dict[name][0] for name in named)


def test_member_fields_without_price_pass():
    assert refuse_member_price(["partner_sku", "num_in_stock", "low_stock_threshold"]) is None
    assert refuse_member_price({}) is None
