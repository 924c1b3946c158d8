"""Who sees what (a member its own passbook; the board's pages; the treasurer records money), the collection
sheet posted in one transaction from one screen, and the command line's JSON shapes."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from savings import selectors, services
from savings.models import PassbookLine
from tests.conftest import OWN_PAGE_ACCESS

from .conftest import assert_passbooks_match_books, key, loan_product, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, code, status", OWN_PAGE_ACCESS)
def test_a_member_sees_only_its_own_passbook(client_as, coop, role, code, status):
    assert client_as(role).get(reverse("savings:passbook", args=[code])).status_code == status


def test_the_passbook_shows_running_balances(client_as, coop):
    m = member("m01")
    services.deposit(member=m, kind="sukarela", amount=150_000, channel="cash", idempotency_key=key(), user=coop)
    services.withdraw(member=m, amount=25_000, channel="cash", idempotency_key=key(), user=coop)
    page = client_as("artisan_a").get(reverse("savings:passbook", args=["m01"]))
    assert b"Rp 150.000" in page.content and b"-Rp 25.000" in page.content and b"Rp 125.000" in page.content
    assert b'data-sukarela="125000"' in page.content
    assert (
        reverse("savings:passbook", args=["m01"]).encode()
        in client_as("artisan_a").get(reverse("books:statement", args=["m01"])).content
    )  # the workspace's nav links it


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("artisan_a", 403), ("staff", 403), ("board2", 200), ("board", 200)]
)
def test_the_board_pages_are_the_boards(client_as, coop, role, status):
    client = client_as(role)
    for name in ("board", "collection", "loans", "groups", "rules"):
        assert client.get(reverse(f"savings:{name}")).status_code == status, name


@pytest.mark.parametrize("role, status", [("board2", 403), ("artisan_a", 403), ("board", 200)])
def test_money_pages_are_the_treasurers(client_as, coop, role, status):
    assert client_as(role).get(reverse("savings:deposit")).status_code == status
    assert client_as(role).get(reverse("savings:withdraw")).status_code == status


def test_a_withdrawal_form_names_the_field(client_as, coop):
    response = client_as("board").post(
        reverse("savings:withdraw"), {"member": member("m01").pk, "amount": "5.000", "channel": "cash", "key": "k1"}
    )
    assert response.status_code == 400 and b"simpanan sukarela can be withdrawn" in response.content
    assert not PassbookLine.objects.exists()


def test_the_collection_sheet_is_posted_in_one_transaction(client_as, coop):
    on = datetime.date(2026, 3, 12)
    sheet = selectors.sheet_json(on)
    row = next(r for r in sheet["rows"] if r["member"] == "m01")
    kinds = {i["kind"]: i for i in row["items"]}
    assert set(kinds) >= {"pokok", "wajib"}
    client = client_as("board")
    page = client.get(reverse("savings:collection"), {"date": on.isoformat()})
    assert page.status_code == 200 and f'data-total="{sheet["total"]}"'.encode() in page.content
    wajib, pokok = kinds["wajib"], kinds["pokok"]
    good = {
        "date": on.isoformat(),
        "key": "sheet-1",
        "channel": "cash",
        f"m01-wajib-{wajib['reference']}": str(wajib["amount"]),
        f"m01-pokok-{pokok['reference']}": str(pokok["amount"]),
    }
    # one bad line (pokok above what is due) refuses the whole sheet: nothing is posted
    bad = dict(good, **{f"m02-pokok-{pokok['reference']}": "999999"})
    response = client.post(reverse("savings:collection"), bad)
    assert response.status_code == 400 and b"m02" in response.content
    assert not PassbookLine.objects.exists()
    assert client.post(reverse("savings:collection"), good).status_code == 302
    assert client.post(reverse("savings:collection"), good).status_code == 302  # re-posted: nothing more
    assert PassbookLine.objects.filter(member__code="m01").count() == 2
    after = selectors.sheet_json(on)
    assert all(r["member"] != "m01" for r in after["rows"])
    assert_passbooks_match_books([member("m01"), member("m02")])


def test_cli_shapes(capsys, coop):
    m = member("m01")
    services.deposit(member=m, kind="sukarela", amount=7_000, channel="cash", idempotency_key=key(), user=coop)
    call_command("simpan", "passbook", "m01", "--json")
    book = json.loads(capsys.readouterr().out)
    assert book == {"member": "m01", "savings": {"pokok": 0, "wajib": 0, "sukarela": 7_000}, "loans": []}
    call_command("simpan", "collection-sheet", "--date", "2026-03-12", "--json")
    sheet = json.loads(capsys.readouterr().out)
    assert set(sheet) == {"date", "rows", "total"} and sheet["date"] == "2026-03-12"
    assert sheet["total"] == sum(r["due"] for r in sheet["rows"]) > 0
    for row in sheet["rows"]:
        assert set(row) == {"member", "group", "items", "due"}
        assert isinstance(row["member"], str) and row["group"] is None
        assert row["due"] == sum(i["amount"] for i in row["items"])
        for item in row["items"]:
            assert set(item) == {"kind", "reference", "amount"} and isinstance(item["amount"], int)


def test_cli_passbook_lists_loans(capsys, coop, board_user_2):
    from tests.savings.test_seed_case import DAY0, group_loan  # noqa: F401 - reuse the seed's loan below

    from .conftest import pay_up

    product = loan_product(coop, name="P", min_amount=1_000, max_amount=50_000, instalments=2)
    m = member("m02")
    pay_up(m, coop, DAY0)
    loan = services.loan_apply(product=product, shares=[(m, 10_000)], user=coop, on=DAY0)
    services.loan_approve(loan=loan, user=coop)
    services.loan_approve(loan=loan, user=board_user_2)
    services.loan_disburse(loan=loan, channel="transfer", user=coop, on=DAY0)
    call_command("simpan", "passbook", "m02", "--json")
    book = json.loads(capsys.readouterr().out)
    [entry] = book["loans"]
    assert set(entry) == {"reference", "group", "principal", "outstanding", "days_in_arrears"}
    assert entry["reference"] == loan.reference and entry["group"] is None
    assert entry["principal"] == 10_000 and entry["outstanding"] == 10_100 and entry["days_in_arrears"] >= 0


def test_cli_refuses_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="member"):
        call_command("simpan", "passbook", "nobody", "--json")
    with pytest.raises(CommandError, match="date"):
        call_command("simpan", "collection-sheet", "--date", "12-03-2026", "--json")


def test_pages_speak_the_cooperatives_indonesian(client_as, coop):
    from django.utils import translation

    client = client_as("board")
    client.cookies["django_language"] = "id"
    with translation.override("id"):
        sheet = client.get(reverse("savings:collection"), {"date": "2026-03-12"}).content.decode()
        book = client.get(reverse("savings:passbook", args=["m01"])).content.decode()
        refused = client.post(
            reverse("savings:withdraw"), {"member": member("m01").pk, "amount": "5.000", "channel": "cash", "key": "k"}
        ).content.decode()
    assert "Daftar tagihan untuk rapat tanggal 12.03.2026" in sheet and "Simpanan wajib" in sheet
    assert "Catat yang sudah diterima" in sheet
    assert "Buku simpanan" in book and "Tunggakan" in book
    assert "Simpanan sukarela yang bisa diambil hanya Rp 0." in refused


def test_the_sheet_collects_dues_as_dues_and_other_debts_as_such(client_as, coop):
    """m03 owes Rp 45.000 on its account: an older Rp 30.000 material-loan settlement and this month's Rp 25.000
    dues, less a Rp 10.000 sale. Credits settle the oldest debits first, so the dues are owed in full and 20.000 of
    the settlement: the sheet says so (not "iuran" for all of it), and paying both clears the account."""
    from books import ledger as books_ledger, services as books

    on = datetime.date(2026, 3, 12)
    account = books_ledger.member_account("m03")
    for kind, amount, day in (("transfer", -30_000, 2), ("dues", -25_000, 3), ("sale", 10_000, 4)):
        books.post(
            kind=kind,
            reference=f"test {kind}",
            legs={account: amount, "coop:dues": -amount},
            idempotency_key=key(),
            on=datetime.date(2026, 3, day),
        )
    row = next(r for r in selectors.sheet_json(on)["rows"] if r["member"] == "m03")
    owed = {i["kind"]: i for i in row["items"] if i["kind"] in ("dues", "account")}
    assert {k: i["amount"] for k, i in owed.items()} == {"dues": 25_000, "account": 20_000}

    fields = {f"m03-{k}-{i['reference']}": str(i["amount"]) for k, i in owed.items()}
    posted = client_as("board").post(
        reverse("savings:collection"), {"date": on.isoformat(), "key": "sheet-m03", "channel": "cash", **fields}
    )
    assert posted.status_code == 302
    assert services.member_balance(member("m03")) == 0


@pytest.mark.parametrize("text", ["9999-12-31", "1999-12-31", "12-03-2026"])
def test_a_sheet_date_out_of_range_is_refused_not_a_500(client_as, coop, text):
    """A date in the query reaches the wajib months and the meeting dates: one beyond year 9999's last month
    crashed the page; a date far from today is refused with a message and today's sheet shown."""
    client = client_as("board")
    page = client.get(reverse("savings:collection"), {"date": text})
    assert page.status_code == 200 and (b"Choose a meeting date" in page.content or b"YYYY-MM-DD" in page.content)
    # a sheet entered for a refused date is not posted on another day: nothing moves
    today = timezone.localdate()
    shown = today.replace(day=12) if today.day <= 12 else today  # the sheet the page falls back to
    [row] = [r for r in selectors.sheet_json(shown)["rows"] if r["member"] == "m01"]
    wajib = next(i for i in row["items"] if i["kind"] == "wajib")
    line = {f"m01-wajib-{wajib['reference']}": str(wajib["amount"])}
    posted = client.post(reverse("savings:collection"), {"date": text, "key": "sheet-far", "channel": "cash", **line})
    assert posted.status_code == 400 and not PassbookLine.objects.exists()


def test_the_sheet_reads_the_pokok_amounts_once(coop, django_assert_max_num_queries):
    """The amounts of simpanan pokok are read once per sheet, not once per member."""
    on = datetime.date(2026, 3, 12)
    selectors.collection_sheet(on)  # warm up: the savings rows exist
    with django_assert_max_num_queries(12):
        rows = selectors.collection_sheet(on)
    assert rows


@pytest.mark.parametrize("date", ["9999-12-31", "1999-12-31"])
def test_cli_sheet_date_out_of_range_is_a_command_error(coop, date):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="date"):
        call_command("simpan", "collection-sheet", "--date", date, "--json")


def test_the_board_creates_a_group_and_a_refused_one_names_the_field(client_as, coop):
    from savings.models import Group

    board = client_as("board")
    url = reverse("savings:groups")
    m01, m02 = member("m01"), member("m02")
    done = board.post(url, {"code": "mawar", "name": "Kelompok Mawar", "leader": m01.pk, "members": [m01.pk, m02.pk]})
    assert done.status_code == 302 and done["Location"] == url
    assert {m.code for m in Group.objects.get(code="mawar").members.all()} == {"m01", "m02"}

    again = board.post(url, {"code": "mawar", "name": "Lagi", "leader": m01.pk, "members": [m01.pk, m02.pk]})
    assert again.status_code == 400 and b"A group with this code exists already." in again.content
    alone = board.post(url, {"code": "melati", "name": "Melati", "leader": m01.pk, "members": [m01.pk]})
    assert alone.status_code == 400 and b"A group has 2 to" in alone.content
    assert Group.objects.count() == 1


def test_the_board_sets_a_savings_amount_and_a_loan_product(client_as, coop):
    from savings.models import LoanProduct, SavingsRule

    board = client_as("board")
    url = reverse("savings:rules")
    rules_before, products_before = SavingsRule.objects.count(), LoanProduct.objects.count()
    done = board.post(url, {"rule": "1", "kind": "wajib", "amount": "20.000", "effective_from": "2027-01-01"})
    assert done.status_code == 302 and done["Location"] == url
    assert SavingsRule.objects.count() == rules_before + 1

    refused = board.post(url, {"rule": "1", "kind": "wajib", "amount": "0", "effective_from": "2027-01-01"})
    assert refused.status_code == 400 and "amount" in refused.context["rule_form"].errors
    empty = board.post(url, {"product": "1", "name": ""})
    assert empty.status_code == 400 and "name" in empty.context["product_form"].errors
    assert SavingsRule.objects.count() == rules_before + 1 and LoanProduct.objects.count() == products_before


def test_a_money_loan_without_amounts_is_refused_by_field(client_as, coop):
    """Borrower codes alone are for a loan in kind; a money loan names each borrower's amount. The form says so on
    the field (not the books' "None is not a whole number of rupiah."), and so does the service."""
    from savings.models import Loan

    product = loan_product(coop)
    board = client_as("board")
    for shares in ("m01", "m01=", "m01=25000, m02"):
        response = board.post(reverse("savings:loans"), {"product": product.pk, "shares": shares})
        assert response.status_code == 400, shares
        errors = response.context["form"].errors["shares"]
        assert any("A money loan needs each borrower's amount" in e for e in errors), (shares, errors)
        assert b"None is not" not in response.content
    assert "(no amount for m02)" in " ".join(response.context["form"].errors["shares"])
    for amount in (None, "", " "):
        with pytest.raises(services.Refusal) as refused:
            services.loan_apply(product=product, shares=[(member("m01"), amount)], user=coop)
        assert refused.value.field == "shares"
        assert refused.value.messages == [
            "A money loan needs each borrower's amount, e.g. m01=25000 (no amount for m01)."
        ]
    assert not Loan.objects.exists()


def test_the_board_page_reads_the_running_loans_once(client_as, coop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client_as("board").get(reverse("savings:board")).status_code == 200
    share_reads = [q for q in captured.captured_queries if q["sql"].startswith('SELECT "savings_loanshare"')]
    assert len(share_reads) == 1
