"""The year's SHU: shares by savings at year end and by settled sales in the year, split exactly; one board member
prepares, another approves, which credits the members' accounts; the trial balance stays 0."""

import datetime

import pytest
from django.urls import reverse

from books import ledger, selectors as books_selectors, services as books_services
from savings import services
from savings.models import ShuRun

from .conftest import key, member

pytestmark = pytest.mark.django_db
YEAR = 2025


def _history(coop):
    on = datetime.date(YEAR, 6, 12)
    for code, amount in (("m01", 300_000), ("m02", 100_000)):
        services.deposit(
            member=member(code), kind="sukarela", amount=amount, channel="cash", idempotency_key=key(), user=coop, on=on
        )
    # a later year's deposit counts for nothing
    services.deposit(
        member=member("m03"),
        kind="sukarela",
        amount=999_000,
        channel="cash",
        idempotency_key=key(),
        user=coop,
        on=datetime.date(YEAR + 1, 1, 12),
    )
    for code, gross in (("m02", 600_000), ("m03", 200_000)):
        legs = {ledger.member_account(code): gross, ledger.BUYERS: -gross}
        books_services.post(kind="sale", reference="test sale", legs=legs, idempotency_key=key(), on=on)


def test_shu_is_shared_by_savings_and_sales_and_credited_on_approval(coop, board_user_2):
    _history(coop)
    run = services.shu_prepare(year=YEAR, surplus="1.000.000", savings_percent="40", sales_percent="30", user=coop)
    lines = {line.member.code: line for line in run.lines.all()}
    assert set(lines) == {"m01", "m02", "m03"}
    assert (lines["m01"].by_savings, lines["m02"].by_savings, lines["m03"].by_savings) == (300_000, 100_000, 0)
    assert (lines["m01"].by_sales, lines["m02"].by_sales, lines["m03"].by_sales) == (0, 225_000, 75_000)
    with pytest.raises(services.Refusal, match="Another board member"):
        services.shu_approve(run=run, user=coop)
    before = books_selectors.balances()
    services.shu_approve(run=run, user=board_user_2)
    after = books_selectors.balances()
    assert after[ledger.member_account("m02")] - before[ledger.member_account("m02")] == 325_000
    assert after[services.SHU] == -700_000
    assert books_selectors.trial_balance()["total"] == 0
    services.shu_approve(run=run, user=board_user_2)  # a second click credits nothing more
    assert books_selectors.balances() == after
    with pytest.raises(services.Refusal) as refused:
        services.shu_prepare(year=YEAR, surplus=1, savings_percent=1, sales_percent=1, user=coop)
    assert refused.value.field == "year"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"surplus": 0}, "surplus"),
        ({"savings_percent": "101"}, "savings_percent"),
        ({"savings_percent": "60", "sales_percent": "50"}, "sales_percent"),
        ({"year": 1999}, "year"),
        ({"sales_percent": "1.234"}, "sales_percent"),
    ],
)
def test_shu_bad_input_names_the_field(coop, data, field):
    args = {"year": YEAR, "surplus": 1_000, "savings_percent": "40", "sales_percent": "30", **data}
    with pytest.raises(services.Refusal) as refused:
        services.shu_prepare(user=coop, **args)
    assert refused.value.field == field and not ShuRun.objects.exists()


def test_the_shu_page_is_the_boards(client_as, coop):
    assert client_as("artisan_a").get(reverse("savings:shu")).status_code == 403
    client = client_as("board")
    response = client.post(
        reverse("savings:shu"),
        {"prepare": "1", "year": YEAR, "surplus": "500.000", "savings_percent": "50", "sales_percent": "20"},
    )
    assert response.status_code == 302 and ShuRun.objects.get().surplus == 500_000
    assert (
        client_as("board2").post(reverse("savings:shu"), {"approve": "1", "run": ShuRun.objects.get().pk}).status_code
        == 302
    )
    assert ShuRun.objects.get().status == ShuRun.Status.APPROVED
