"""Bank transfer: placed awaiting payment with a reference, stock held until the deadline, released when
unpaid (``now=`` makes time testable), confirmed by staff in Oscar's dashboard."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.shop.order import statuses
from catalog.shop.order.tasks import release_expired_transfers_task
from catalog.shop.order.transfers import release_expired_transfers
from catalog.shop.payment.models import BankTransfer

from .helpers import last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db


def transfer_order(client, units=3, quantity=2, **kwargs):
    product, record = variant_with_stock(units)
    preview = to_preview(client, product=product, quantity=quantity, method="transfer", **kwargs)
    response = place_order(client, preview)
    assert response.status_code == 302 and response["Location"].startswith(reverse("checkout:thank-you"))
    return last_order(), record


def test_transfer_order_awaits_payment_with_reference_amount_and_held_stock(client, settings):
    settings.GUYUB_BANK_TRANSFER_HOLD_HOURS = 24
    before = timezone.now()
    order, record = transfer_order(client)

    assert order.status == statuses.AWAITING_PAYMENT
    transfer = order.bank_transfer
    assert transfer.status == BankTransfer.AWAITING
    assert transfer.amount == order.total_incl_tax and transfer.amount > 0
    assert transfer.reference.startswith(f"GY{order.number}")
    assert before + timedelta(hours=24) <= transfer.expires_at <= timezone.now() + timedelta(hours=24)
    record.refresh_from_db()
    assert record.num_allocated == 2
    assert order.payment_events.count() == 0

    page = client.get(reverse("checkout:thank-you")).content.decode()
    assert transfer.reference in page and settings.GUYUB_BANK_ACCOUNT_NUMBER in page
    assert 'id="transfer-amount"' in page
    [email] = mail.outbox
    assert order.number in email.subject
    assert transfer.reference in email.body and settings.GUYUB_BANK_ACCOUNT_NUMBER in email.body
    assert transfer.reference in email.alternatives[0][0]


def test_hold_time_is_a_setting(client, settings):
    settings.GUYUB_BANK_TRANSFER_HOLD_HOURS = 2
    order, _record = transfer_order(client)
    held = order.bank_transfer.expires_at - order.bank_transfer.created_at
    assert timedelta(hours=2) - timedelta(seconds=5) < held < timedelta(hours=2) + timedelta(seconds=5)


def test_unpaid_transfer_releases_stock_at_the_deadline_not_before(client, django_capture_on_commit_callbacks):
    order, record = transfer_order(client)
    deadline = order.bank_transfer.expires_at
    mail.outbox.clear()

    assert release_expired_transfers(now=deadline - timedelta(minutes=1)) == []
    record.refresh_from_db()
    assert record.num_allocated == 2

    with django_capture_on_commit_callbacks(execute=True):  # emails go out after commit
        assert release_expired_transfers(now=deadline + timedelta(minutes=1)) == [order.number]
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert order.bank_transfer.status == BankTransfer.EXPIRED
    assert record.num_allocated == 0 and record.num_in_stock == 3
    assert all(line.allocation_cancelled for line in order.lines.all())
    [email] = mail.outbox
    assert "cancelled" in email.subject and "in time" in email.body
    # Running again (cron overlap) changes nothing.
    assert release_expired_transfers(now=deadline + timedelta(hours=1)) == []
    record.refresh_from_db()
    assert record.num_allocated == 0


def test_command_and_task_release_expired_transfers(client):
    order, record = transfer_order(client)
    out = StringIO()
    later = (order.bank_transfer.expires_at + timedelta(minutes=5)).isoformat()
    call_command("release_expired_transfers", f"--now={later}", stdout=out)
    assert order.number in out.getvalue()
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED

    second, _ = transfer_order(client, units=3, quantity=1)
    type(second.bank_transfer).objects.filter(pk=second.bank_transfer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    result = release_expired_transfers_task.enqueue()  # the immediate backend runs it now
    assert result.return_value == [second.number]


def test_staff_confirm_transfer_in_dashboard_marks_paid_once(
    client, order_staff, staff_user, django_capture_on_commit_callbacks
):
    order, record = transfer_order(client)
    mail.outbox.clear()
    staff = order_staff
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    page = staff.get(url)
    assert page.status_code == 200 and b"confirm-transfer" in page.content
    assert order.bank_transfer.reference.encode() in page.content

    for _click in range(2):  # a double click records one payment
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(url, {"order_action": "change_order_status", "new_status": statuses.PAID})
        assert response.status_code == 302

    order.refresh_from_db()
    assert order.status == statuses.PAID
    transfer = order.bank_transfer
    assert transfer.status == BankTransfer.PAID and transfer.confirmed_by == staff_user
    [paid] = order.payment_events.filter(event_type__code="paid")
    assert paid.amount == order.total_incl_tax and paid.reference == transfer.reference
    assert order.status_changes.filter(new_status=statuses.PAID).count() == 1
    assert [m.subject for m in mail.outbox] == [f"Payment received for your Guyub order {order.number}"]
    record.refresh_from_db()
    assert record.num_allocated == 2  # still held until shipped
    # The expiry job leaves a paid order alone.
    assert release_expired_transfers(now=transfer.expires_at + timedelta(days=1)) == []


def test_confirming_an_expired_transfer_is_refused_with_a_clear_message(client, order_staff):
    order, _record = transfer_order(client)
    release_expired_transfers(now=order.bank_transfer.expires_at + timedelta(minutes=1))
    staff = order_staff
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    response = staff.post(
        url,
        {
            "order_action": "create_order_payment_event",
            "payment_event_type": "paid",
            "amount": str(order.total_incl_tax),
        },
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "expired" in text
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED


def test_shipping_consumes_the_held_stock_and_emails_the_buyer(client, order_staff, django_capture_on_commit_callbacks):
    order, record = transfer_order(client)
    staff = order_staff
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    staff.post(url, {"order_action": "change_order_status", "new_status": statuses.PAID})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"order_action": "change_order_status", "new_status": statuses.SHIPPED})
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.SHIPPED
    assert (record.num_in_stock, record.num_allocated) == (1, 0)
    [email] = mail.outbox
    assert "on its way" in email.subject


def test_guest_follows_the_order_by_number_and_email(client):
    order, _record = transfer_order(client, email="Tamu@Example.com")
    other = client.__class__()
    wrong = other.post(reverse("checkout:order-lookup"), {"order_number": order.number, "email": "x@example.com"})
    assert wrong.status_code == 200 and wrong.context["form"].non_field_errors()
    found = other.post(reverse("checkout:order-lookup"), {"order_number": order.number, "email": "tamu@example.com"})
    assert found.status_code == 302
    page = other.get(found["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="order-payment-panel"' in html and order.bank_transfer.reference in html


def test_a_worker_that_can_defer_gets_the_release_scheduled_at_the_deadline(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=True):
        order, _record = transfer_order(client)
    [scheduled] = [r for r in default_task_backend.results if r.task.name == "release_expired_transfers_task"]
    assert scheduled.task.run_after >= order.bank_transfer.expires_at
