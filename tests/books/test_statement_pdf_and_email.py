"""The statement as a PDF download (the member's own only) and the statements emailed at month close (one per
member with entries, in the owner's language, the PDF attached)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from books import ledger, selectors, services
from catalog.shop.order import services as order_services

from .conftest import member, paid_order, record_of

pytestmark = pytest.mark.django_db


def _this_month():
    return ledger.month_label(ledger.month_start(timezone.localdate()))


def test_the_member_downloads_its_statement_as_pdf(client_as, general_fee):
    order_services.mark_shipped(order=paid_order([(record_of("m01"), 1, 150000)]))
    response = client_as("artisan_a").get(reverse("books:statement-pdf", args=["m01"]), {"month": _this_month()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="guyub-m01-{_this_month()}.pdf"' in response["Content-Disposition"]
    page = client_as("artisan_a").get(reverse("books:statement", args=["m01"]))
    assert reverse("books:statement-pdf", args=["m01"]).encode() in page.content


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("buyer", 403), ("artisan_b", 404), ("staff", 403), ("board", 200)]
)
def test_another_member_gets_no_pdf(client_as, role, status):
    response = client_as(role).get(reverse("books:statement-pdf", args=["m01"]))
    assert response.status_code == status
    if status != 200:
        assert not response.content.startswith(b"%PDF")


def test_the_pdf_holds_the_numbers(general_fee):
    from books.pdf import statement_pdf

    order_services.mark_shipped(order=paid_order([(record_of("m01"), 1, 150000)]))
    statement = selectors.statement(member("m01"), timezone.localdate())
    data = statement_pdf(statement)
    assert data.startswith(b"%PDF") and len(data) > 800


def test_the_bulk_statements_match_the_one_by_one(general_fee):
    order = paid_order([(record_of("m01"), 2, 150000), (record_of("m02"), 1, 90000)])
    order_services.mark_shipped(order=order)
    month = ledger.month_start(timezone.localdate())
    bulk = {s.member.code: s for s in selectors.month_statements(month)}
    assert {"m01", "m02"} <= set(bulk)
    for code in ("m01", "m02"):
        one = selectors.statement(member(code), month)
        assert (bulk[code].opening, bulk[code].closing, bulk[code].turnover) == (one.opening, one.closing, one.turnover)
        assert bulk[code].entries == one.entries


def _close_this_month(board_user, django_capture_on_commit_callbacks):
    month = ledger.month_start(timezone.localdate())
    last = services.last_closed_month()
    if last is not None and last >= month:
        pytest.skip("this month is closed already in the seeded database")
    # earlier open months first (months close in order), each as if today were next month
    months = []
    cursor = ledger.next_month(last) if last else month
    while cursor <= month:
        months.append(cursor)
        cursor = ledger.next_month(cursor)
    for open_month in months[:-1]:
        services.month_close(month=open_month, user=board_user, today=ledger.next_month(month))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.month_close(month=month, user=board_user, today=ledger.next_month(month))
    return month


def test_month_close_emails_each_member_in_the_owners_language(
    settings, general_fee, board_user, artisan_a, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "id"  # the cooperative's language, for owners who never shopped in another
    order_services.mark_shipped(order=paid_order([(record_of("m01"), 1, 150000), (record_of("m02"), 1, 80000)]))
    Order = get_model("order", "Order")
    Order.objects.filter(user=artisan_a).update(language="")
    english = paid_order([(record_of("m01"), 1, 1000)], paid=False)
    Order.objects.filter(pk=english.pk).update(user=artisan_a, language="en", date_placed=timezone.now())

    month = _close_this_month(board_user, django_capture_on_commit_callbacks)

    with_entries = {s.member.code for s in selectors.month_statements(month)}
    by_owner = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == len(with_entries) and {"m01", "m02"} <= with_entries
    to_a, to_b = member("m01").owner.email, member("m02").owner.email
    english_mail, indonesian_mail = by_owner[to_a], by_owner[to_b]
    assert "Opening balance: Rp " in english_mail.body and "Rp 135.000" in english_mail.body
    assert "Saldo awal" in indonesian_mail.body and "Rp 72.000" in indonesian_mail.body
    name, content, mimetype = english_mail.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    assert ledger.month_label(month) in english_mail.subject


def test_no_emails_when_nobody_has_entries(settings, board_user, django_capture_on_commit_callbacks):
    from books import emails

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert emails.send_month_statements(datetime.date(1999, 1, 1)) == 0 and mail.outbox == []
