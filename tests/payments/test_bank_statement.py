"""Bank statement upload (issue 18): staff upload the bank's CSV; the dry run shows matches (reference in the
description, exact amount) and what does not match; applying confirms every match at once, or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.shop.order import services, statements, statuses
from catalog.shop.payment.models import BankTransfer

from .helpers import last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db


def two_transfer_orders(_client=None):
    orders = []
    for index in range(2):
        product, _record = variant_with_stock(3, index=index)
        buyer = Client()
        preview = to_preview(buyer, product=product, method="transfer")
        place_order(buyer, preview)
        orders.append(last_order())
    return orders


def statement(*rows, header="date,description,amount"):
    return ("\ufeff" + header + "\n" + "\n".join(rows) + "\n").encode()


def test_reference_is_unique_per_order(client):
    first, second = two_transfer_orders(client)
    assert first.bank_transfer.reference != second.bank_transfer.reference
    assert first.bank_transfer.reference.startswith(f"GY{first.number}")


def test_dry_run_then_apply_confirms_all_matches(client, staff_user):
    first, second = two_transfer_orders(client)
    a, b = first.bank_transfer, second.bank_transfer
    content = statement(
        f'2026-05-01,"TRF DARI SARI {a.reference.lower()} BCA",{a.amount:.0f}',
        f'02/05/2026,TRANSFER {b.reference[:6]} {b.reference[6:]},"{b.amount:,.0f}.00"',
        "2026-05-02,BIAYA ADMIN,-6500",
        "2026-05-03,TRF TANPA BERITA,50000",
        f"2026-05-03,{a.reference} kurang,{a.amount - 1:.0f}",
    )
    result = statements.dry_run(content)
    assert [row.transfer for row in result.matches] == [a, b]
    assert {row.line for row in result.unmatched} == {5, 6}
    assert not result.errors
    assert BankTransfer.objects.filter(status=BankTransfer.AWAITING).count() == 2  # a dry run changes nothing

    confirmed = statements.apply(content, user=staff_user, expected=result.references)
    assert confirmed == sorted([a.reference, b.reference])
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == statuses.PAID and order.payment_events.count() == 1


def test_a_bad_row_applies_nothing(client, staff_user):
    first, second = two_transfer_orders(client)
    a = first.bank_transfer
    content = statement(f"2026-05-01,{a.reference},{a.amount:.0f}", "yesterday,something,lots")
    result = statements.dry_run(content)
    assert len(result.matches) == 1 and [row.line for row in result.errors] == [3]
    with pytest.raises(statements.StatementError):
        statements.apply(content, user=staff_user)
    first.refresh_from_db()
    assert first.status == statuses.AWAITING_PAYMENT


def test_a_failing_confirmation_rolls_back_the_others(client, staff_user):
    first, second = two_transfer_orders(client)
    a, b = first.bank_transfer, second.bank_transfer
    content = statement(f"2026-05-01,{a.reference},{a.amount:.0f}", f"2026-05-01,{b.reference},{b.amount:.0f}")
    expected = statements.dry_run(content).references
    services.confirm_bank_transfer(order=second, user=staff_user)  # confirmed by hand meanwhile
    with pytest.raises(statements.StatementError):
        statements.apply(content, user=staff_user, expected=expected)
    first.refresh_from_db()
    assert first.status == statuses.AWAITING_PAYMENT and first.payment_events.count() == 0


def test_statement_needs_the_three_columns():
    with pytest.raises(statements.StatementError):
        statements.dry_run(statement("2026-05-01,x", header="date,description"))


def test_dashboard_dry_run_and_apply(client, order_staff, staff_user):
    first, _second = two_transfer_orders(client)
    a = first.bank_transfer
    url = reverse("dashboard:transfer-statement")
    upload = SimpleUploadedFile("mutasi.csv", statement(f"2026-05-01,{a.reference},{a.amount:.0f}"))
    page = order_staff.post(url, {"action": "dry_run", "statement": upload})
    assert page.status_code == 200 and a.reference in page.content.decode()
    first.refresh_from_db()
    assert first.status == statuses.AWAITING_PAYMENT
    digest = page.context["digest"]
    done = order_staff.post(url, {"action": "apply", "digest": digest, "references": a.reference}, follow=True)
    assert done.status_code == 200
    first.refresh_from_db()
    assert first.status == statuses.PAID


def test_dashboard_statement_is_staff_only(client_as):
    url = reverse("dashboard:transfer-statement")
    anonymous = client_as("anonymous").get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]  # the common access rule: sign in
    assert client_as("buyer").get(url).status_code == 403
    assert client_as("buyer").post(url, {"action": "apply", "digest": "x"}).status_code == 403
