"""Loan pages: the permission matrix over every view × role, and bad input answered with a message naming
the field (no 500, nothing changed)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.selectors import material_balance
from pooling.loans.models import LoanSettings, MaterialLoan

pytestmark = pytest.mark.django_db
D = Decimal
ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "board", "staff"]


@pytest.fixture
def loans(member, hide, open_loan):
    """ours: m01 borrows from m02 (open); theirs: m03 borrows from m04 (nobody here is party)."""
    material = hide({"m02": "50", "m04": "50"})
    return {
        "ours": open_loan(member("m01"), member("m02"), material, "10"),
        "theirs": open_loan(member("m03"), member("m04"), material, "5"),
    }


# view, method, expected status per role (anonymous: login redirect)
MATRIX = [
    ("book", "get", None, {"buyer": 403, "artisan_a": 200, "artisan_b": 200, "board": 302, "staff": 403}),
    ("request", "get", None, {"buyer": 403, "artisan_a": 200, "artisan_b": 200, "board": 403, "staff": 403}),
    ("detail", "get", "ours", {"buyer": 403, "artisan_a": 200, "artisan_b": 200, "board": 200, "staff": 403}),
    ("detail", "get", "theirs", {"buyer": 403, "artisan_a": 404, "artisan_b": 404, "board": 200, "staff": 403}),
    ("act", "post", "ours", {"buyer": 403, "artisan_a": 302, "artisan_b": 400, "board": 403, "staff": 403}),
    ("act", "post", "theirs", {"buyer": 403, "artisan_a": 404, "artisan_b": 404, "board": 403, "staff": 403}),
    ("board", "get", None, {"buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 200, "staff": 403}),
    ("board-settings", "get", None, {"buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 200, "staff": 403}),
    ("board-settings", "post", None, {"buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 400, "staff": 403}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view, method, which, expected", MATRIX, ids=[f"{v}-{m}-{w or ''}" for v, m, w, _ in MATRIX])
def test_permission_matrix(client_as, loans, role, view, method, which, expected):
    if view == "act":
        url = reverse("loans:act", args=[loans[which].pk, "return"])  # the borrower's action
    elif which:
        url = reverse(f"loans:{view}", args=[loans[which].pk])
    else:
        url = reverse(f"loans:{view}")
    client = client_as(role)
    data = {"quantity": "1", "idempotency_key": "perm-1"} if view == "act" else {}
    response = getattr(client, method)(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == expected[role], response.content[:300]
    outstanding = MaterialLoan.objects.get(pk=loans["ours"].pk).outstanding
    assert outstanding == (D(9) if (view, role) == ("act", "artisan_a") and which == "ours" else D(10))


def test_book_shows_both_sides_and_recall_notice(client_as, loans, member, key):
    from pooling.loans import services

    services.loan_recall(loan=loans["ours"], member=member("m02"), idempotency_key=key())
    page = client_as("artisan_a").get(reverse("loans:book")).content.decode()
    assert f'data-loan="{loans["ours"].pk}"' in page and f'data-loan="{loans["theirs"].pk}"' not in page
    assert 'id="notices"' in page and f"recalls loan #{loans['ours'].pk}" in page
    lender_page = client_as("artisan_b").get(reverse("loans:book")).content.decode()
    assert 'id="lent"' in lender_page and f'data-loan="{loans["ours"].pk}"' in lender_page


@pytest.mark.parametrize(
    "quantity, message",
    [("11", "still outstanding"), ("abc", "not a number"), ("0", "more than zero"), ("0.001", "decimal places")],
)
def test_bad_return_names_the_field(client_as, loans, quantity, message):
    client = client_as("artisan_a")
    response = client.post(
        reverse("loans:act", args=[loans["ours"].pk, "return"]),
        {"quantity": quantity, "idempotency_key": f"bad-{quantity}"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="quantity"' in body and message in body
    assert MaterialLoan.objects.get(pk=loans["ours"].pk).returned == 0


def test_double_posted_return_applies_once(client_as, loans, member):
    client = client_as("artisan_a")
    url = reverse("loans:act", args=[loans["ours"].pk, "return"])
    for _ in range(2):
        assert client.post(url, {"quantity": "4", "idempotency_key": "twice"}).status_code == 302
    loan = MaterialLoan.objects.get(pk=loans["ours"].pk)
    assert loan.returned == 4 and material_balance(member("m01"), loan.material) == 6


def test_request_form_suggests_lenders_and_refuses_bad_input(client_as, member, hide):
    buckles = hide({"m02": "40", "m03": "10"}, unit="piece", code="test-buckle")
    client = client_as("artisan_a")
    url = reverse("loans:request")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    base = {"borrower": member("m01").pk, "material": buckles.pk, "idempotency_key": "req-1", "needed_by": tomorrow}
    bad = client.post(url, {**base, "quantity": "1.5", "suggest": "1"})
    assert bad.status_code == 400 and "whole numbers" in bad.content.decode()
    past = client.post(url, {**base, "quantity": "2", "needed_by": "2000-01-01", "suggest": "1"})
    assert past.status_code == 400 and 'data-field="needed_by"' in past.content.decode()
    found = client.post(url, {**base, "quantity": "20", "suggest": "1"})
    body = found.content.decode()
    assert found.status_code == 200 and body.index('data-member="m02"') < body.index('data-member="m03"')
    sent = client.post(url, {**base, "quantity": "20", "ask": member("m02").pk})
    loan = MaterialLoan.objects.get(material=buckles)
    assert sent.status_code == 302 and loan.lender.code == "m02" and loan.requested_quantity == 20
    assert MaterialLoan.objects.filter(material=buckles).count() == 1
    client.post(url, {**base, "quantity": "20", "ask": member("m02").pk})  # the same form again
    assert MaterialLoan.objects.filter(material=buckles).count() == 1


def test_board_pages(client_as, loans, hide):
    client = client_as("board")
    MaterialLoan.objects.filter(pk=loans["ours"].pk).update(due_on=timezone.localdate() - datetime.timedelta(days=9))
    page = client.get(reverse("loans:board")).content.decode()
    assert 'id="overdue"' in page and 'data-bucket="8-30">1<' in page and 'id="owed"' in page
    material = loans["ours"].material
    settings_url = reverse("loans:board-settings")
    bad = client.post(settings_url, {"notice_days": "x", "max_active_loans": "3", "default_term_days": "30"})
    assert bad.status_code == 400 and 'data-field="notice_days"' in bad.content.decode()
    ok = client.post(
        settings_url,
        {"notice_days": "5", "max_active_loans": "4", "default_term_days": "20", f"price_{material.code}": "32000"},
    )
    assert ok.status_code == 302
    from pooling.loans import selectors

    assert LoanSettings.current().notice_days == 5 and selectors.material_price(material) == 32000


def test_only_the_lender_is_offered_to_confirm_the_settlement_money(client_as, member, hide, open_loan, key):
    from pooling.loans import services
    from pooling.loans.models import MaterialPrice

    m1, m2 = member("m01"), member("m02")  # artisan_a borrows from artisan_b
    material = hide({"m02": "50"})
    MaterialPrice.objects.create(material=material, price=Decimal("10000"))
    loan = open_loan(m1, m2, material, "3")
    services.loan_propose_settlement(loan=loan, member=m1, idempotency_key=key())
    services.loan_agree_settlement(loan=loan, member=m2, idempotency_key=key())
    url = reverse("loans:detail", kwargs={"pk": loan.pk})
    assert 'id="action-settlement_paid"' not in client_as("artisan_a").get(url).content.decode()  # borrower
    lender = client_as("artisan_b")  # the same test client, now signed in as the lender
    page = lender.get(url).content.decode()
    assert 'id="action-settlement_paid"' in page
    token = page.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]  # the form's own token
    response = lender.post(
        reverse("loans:act", kwargs={"pk": loan.pk, "action": "settlement_paid"}), {"idempotency_key": token}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.settlement_paid_at is not None
    assert 'id="action-settlement_paid"' not in lender.get(url).content.decode()
