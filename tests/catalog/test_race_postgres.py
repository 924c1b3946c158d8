"""Row locks on PostgreSQL: the last two approvals arriving at once agree the price exactly once.

Without `select_for_update` each approval would count only its own vote (neither sees the other's uncommitted
one) and the proposal would stay pending for ever. The data is committed from helper threads and removed
afterwards, so the seeded session database is left as it was (no flush).
"""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from catalog import services
from catalog.models import AgreedPrice, PriceProposal, ProposalVote
from tests.pg_helpers import run_together

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _together(*works):
    """Run the callables in their own threads (own connections, committed work) at the same moment."""
    return run_together(len(works), lambda i: works[i]())


@pytest.fixture
def committed_proposal(board_user):
    def make():
        product = Product.objects.create(
            structure=Product.STANDALONE,
            product_class=ProductClass.objects.get(slug="tas"),
            upc="RACE-0001",
            title="Tas Balapan",
        )
        return services.propose_price(product=product, amount=Decimal("150000"), proposed_by=board_user)

    proposal = _together(make)[0]
    assert isinstance(proposal, PriceProposal), proposal
    yield proposal

    def clean():
        AgreedPrice.objects.filter(proposal=proposal).delete()
        ProposalVote.objects.filter(proposal=proposal).delete()
        PriceProposal.objects.filter(pk=proposal.pk).delete()
        Product.objects.filter(upc="RACE-0001").delete()

    _together(clean)


def test_last_approvals_at_once_agree_exactly_once(committed_proposal, board_user_2, board_user_3):
    results = _together(
        lambda: services.approve_proposal(proposal=committed_proposal, board_member=board_user_2).status,
        lambda: services.approve_proposal(proposal=committed_proposal, board_member=board_user_3).status,
    )
    assert sorted(map(str, results)) == ["approved", "pending"]
    assert PriceProposal.objects.get(pk=committed_proposal.pk).status == "approved"
    assert AgreedPrice.objects.filter(proposal=committed_proposal).count() == 1


def test_a_double_click_counts_one_vote(committed_proposal, board_user_2):
    results = _together(
        lambda: services.approve_proposal(proposal=committed_proposal, board_member=board_user_2).status,
        lambda: services.approve_proposal(proposal=committed_proposal, board_member=board_user_2).status,
    )
    assert "pending" in results
    refused = [r for r in results if not isinstance(r, str)]
    assert len(refused) == 1 and refused[0].error_dict["__all__"][0].code == "already_voted"
    assert ProposalVote.objects.filter(proposal=committed_proposal).count() == 1
