"""The plain-Python price rules: which price is in force, tiers, quorum (example tests and hypothesis properties)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from catalog.pricing import rules
from catalog.pricing.rules import Agreement, Outcome

T0 = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)  # 09:00 in Yogyakarta, the board's meeting
US = timedelta(microseconds=1)


# That these rules import no Django is checked with the other plain-Python cores: tests/test_plain_python_cores.py.


def test_price_in_force_switches_exactly_at_its_time():
    old = Agreement(Decimal("150000"), T0 - timedelta(days=30), seq=1)
    new = Agreement(Decimal("160000"), T0, seq=2)
    assert rules.in_force([old, new], T0 - US).amount == Decimal("150000")
    assert rules.in_force([old, new], T0).amount == Decimal("160000")
    assert rules.in_force([old, new], T0 - timedelta(days=31)) is None


def test_same_start_the_later_agreement_wins():
    first = Agreement(Decimal("150000"), T0, seq=1)
    second = Agreement(Decimal("155000"), T0, seq=2)
    assert rules.in_force([second, first], T0).amount == Decimal("155000")


def test_quote_uses_tier_when_quantity_reaches_it():
    unit = Agreement(Decimal("150000"), T0, 1, seq=1)
    tier = Agreement(Decimal("135000"), T0, 12, seq=2)
    expected = rules.Quote(Decimal("150000"), Decimal("150000"), None, (12, Decimal("135000")))
    assert rules.quote([unit, tier], T0, 11) == expected
    assert rules.quote([unit, tier], T0, 12).amount == Decimal("135000")
    assert rules.quote([unit, tier], T0, 12).tier_min_quantity == 12
    assert rules.quote([unit, tier], T0, 500).amount == Decimal("135000")


def test_tier_is_never_a_surcharge_and_needs_a_unit_price():
    unit = Agreement(Decimal("100000"), T0, 1, seq=3)
    stale_tier = Agreement(Decimal("120000"), T0 - timedelta(days=1), 12, seq=1)
    assert rules.quote([unit, stale_tier], T0, 20).amount == Decimal("100000")
    assert rules.quote([stale_tier], T0, 20) is None


def test_bigger_tier_wins_when_reached():
    agreements = [
        Agreement(Decimal("100000"), T0, 1, seq=1),
        Agreement(Decimal("90000"), T0, 12, seq=2),
        Agreement(Decimal("80000"), T0, 50, seq=3),
    ]
    assert rules.quote(agreements, T0, 12).amount == Decimal("90000")
    assert rules.quote(agreements, T0, 12).next_tier == (50, Decimal("80000"))
    assert rules.quote(agreements, T0, 50).amount == Decimal("80000")


def test_price_never_starts_before_approval():
    assert rules.starts_at(T0 - timedelta(hours=2), T0) == T0
    assert rules.starts_at(T0 + timedelta(days=3), T0) == T0 + timedelta(days=3)


@pytest.mark.parametrize(
    "approvals,rejections,eligible,quorum,outcome",
    [
        (0, 0, 2, 2, Outcome.PENDING),
        (1, 0, 2, 2, Outcome.PENDING),
        (2, 0, 2, 2, Outcome.APPROVED),
        (0, 1, 2, 2, Outcome.REJECTED),  # a board of three: one "no" and the two others can no longer agree
        (1, 1, 5, 2, Outcome.PENDING),
        (0, 4, 5, 2, Outcome.REJECTED),
        (1, 0, 4, 1, Outcome.APPROVED),
        (2, 0, 6, 3, Outcome.PENDING),
    ],
)
def test_tally(approvals, rejections, eligible, quorum, outcome):
    assert rules.tally(approvals=approvals, rejections=rejections, eligible=eligible, quorum=quorum) is outcome


def test_vote_refusals():
    assert rules.vote_refusal(voter_id=1, proposer_id=1, already_voted=False, is_pending=True) == "own_proposal"
    assert rules.vote_refusal(voter_id=2, proposer_id=1, already_voted=True, is_pending=True) == "already_voted"
    assert rules.vote_refusal(voter_id=2, proposer_id=1, already_voted=False, is_pending=False) == "not_pending"
    assert rules.vote_refusal(voter_id=2, proposer_id=1, already_voted=False, is_pending=True) is None


@pytest.mark.parametrize(
    "by_proposer,is_pending,starts_at,code",
    [
        (False, True, None, "only_proposer"),
        (True, True, None, None),  # waiting for the board
        (True, False, T0 + US, None),  # approved, not started yet
        (True, False, T0, "already_in_force"),
        (True, False, None, "not_withdrawable"),  # rejected or already withdrawn
    ],
)
def test_withdrawal_refusals(by_proposer, is_pending, starts_at, code):
    assert rules.withdrawal_refusal(by_proposer=by_proposer, is_pending=is_pending, starts_at=starts_at, now=T0) == code


def test_change_needing_reason_measures_a_new_tier_against_the_unit_price():
    prices = {1: Decimal("100000"), 12: Decimal("90000")}
    assert rules.change_needing_reason(prices, min_quantity=1, amount=Decimal("130000"), threshold_percent=30) is None
    assert rules.change_needing_reason(prices, min_quantity=1, amount=Decimal("166666"), threshold_percent=30) == 67
    assert rules.change_needing_reason(prices, min_quantity=12, amount=Decimal("60000"), threshold_percent=30) == -33
    assert rules.change_needing_reason(prices, min_quantity=24, amount=Decimal("60000"), threshold_percent=30) == -40
    assert rules.change_needing_reason({}, min_quantity=1, amount=Decimal("1"), threshold_percent=30) is None


@pytest.mark.parametrize(
    "amount,code",
    [
        (Decimal("150000"), None),
        (1, None),
        (Decimal("150000.00"), None),
        (Decimal("150000.5"), "not_whole_rupiah"),
        (0, "not_positive"),
        (-5, "not_positive"),
        ("abc", "not_whole_rupiah"),
        (Decimal("NaN"), "not_whole_rupiah"),
        (rules.MAX_RUPIAH + 1, "too_large"),
    ],
)
def test_amount_problem(amount, code):
    assert rules.amount_problem(amount) == code


def test_needs_reason_above_threshold_either_way():
    assert not rules.needs_reason(Decimal("100000"), Decimal("130000"), 30)
    assert rules.needs_reason(Decimal("100000"), Decimal("130001"), 30)
    assert rules.needs_reason(Decimal("100000"), Decimal("69000"), 30)
    assert not rules.needs_reason(None, Decimal("1"), 30)


# --- Properties ----------------------------------------------------------------------------------------------

moments = st.integers(min_value=0, max_value=10_000).map(lambda m: T0 + timedelta(minutes=m))
amounts = st.integers(min_value=1, max_value=5_000_000).map(Decimal)
agreement_lists = st.lists(
    st.builds(
        Agreement,
        amount=amounts,
        effective_from=moments,
        min_quantity=st.sampled_from([1, 1, 1, 6, 12]),
        seq=st.integers(min_value=0, max_value=10_000),
    ),
    max_size=12,
    unique_by=lambda a: a.seq,  # seq is the ledger row's id: unique
)


@settings(max_examples=200, deadline=None)
@given(agreement_lists, moments)
def test_in_force_is_the_latest_started(agreements, at):
    chosen = rules.in_force(agreements, at)
    started = [a for a in agreements if a.min_quantity == 1 and a.effective_from <= at]
    if not started:
        assert chosen is None
    else:
        assert chosen in started
        assert all((a.effective_from, a.seq) <= (chosen.effective_from, chosen.seq) for a in started)


@settings(max_examples=200, deadline=None)
@given(agreement_lists, moments)
def test_order_of_agreements_does_not_matter(agreements, at):
    assert rules.in_force(agreements, at) == rules.in_force(list(reversed(agreements)), at)


@settings(max_examples=200, deadline=None)
@given(agreement_lists, moments, st.integers(min_value=1, max_value=100))
def test_quote_never_above_unit_price_and_never_rises_with_quantity(agreements, at, quantity):
    quote = rules.quote(agreements, at, quantity)
    if rules.in_force(agreements, at) is None:
        assert quote is None
        return
    assert quote.amount <= quote.unit_amount == rules.in_force(agreements, at).amount
    assert rules.quote(agreements, at, quantity + 1).amount <= quote.amount
    assert rules.quote(agreements, at, 1).amount == quote.unit_amount


@settings(max_examples=200, deadline=None)
@given(agreement_lists, moments)
def test_future_agreements_do_not_change_the_present(agreements, at):
    present = [a for a in agreements if a.effective_from <= at]
    future = [a for a in agreements if a.effective_from > at]
    assert rules.quote(present + future, at, 12) == rules.quote(present, at, 12)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 12), st.integers(1, 6))
def test_tally_properties(approvals, rejections, eligible, quorum):
    outcome = rules.tally(approvals=approvals, rejections=rejections, eligible=eligible, quorum=quorum)
    if approvals >= quorum:
        assert outcome is Outcome.APPROVED
    elif outcome is Outcome.PENDING:
        # still reachable: enough members have not said no
        assert eligible - rejections >= quorum
    # one more approval never turns an approved proposal into anything else
    if outcome is Outcome.APPROVED:
        assert (
            rules.tally(approvals=approvals + 1, rejections=rejections, eligible=eligible, quorum=quorum)
            is Outcome.APPROVED
        )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(moments, amounts), min_size=1, max_size=8))
def test_changes_chain_old_to_new(steps):
    agreements = [Agreement(a, t, 1, seq=i) for i, (t, a) in enumerate(steps)]
    history = rules.changes(agreements)
    assert history[0].old is None
    for before, after in zip(history, history[1:]):
        assert after.old == before.new
        assert (before.at, 0) <= (after.at, 0)
