"""Reminders: an instalment falling due within three days and one in arrears each bring the member one email, in
its owner's language, recorded so that running the job again sends nothing twice; the job is a Django task."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from savings import services
from savings.models import Reminder
from savings.services import reminders

from .conftest import key, loan_product, member, pay_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly_loans(coop, board_user_2):
    """m01 and m02 each borrow Rp 40.000 in four weekly instalments, disbursed on ``day0`` (returned)."""

    def make(day0):
        product = loan_product(coop, name=f"Mingguan {day0}")
        loans = []
        for code in ("m01", "m02"):
            m = member(code)
            pay_up(m, coop, day0)
            loan = services.loan_apply(product=product, shares=[(m, 40_000)], user=coop, on=day0)
            services.loan_approve(loan=loan, user=coop)
            services.loan_approve(loan=loan, user=board_user_2)
            loans.append(services.loan_disburse(loan=loan, channel="cash", user=coop, on=day0))
        return loans

    return make


def _english_owner(code):
    """The member's owner last shopped in English (an order placed in it)."""
    Order = get_model("order", "Order")
    owner = member(code).owner
    Order.objects.filter(user=owner).update(language="")
    Order.objects.create(
        number=f"rem-{code}", user=owner, currency="IDR", total_incl_tax=0, total_excl_tax=0, language="en"
    )


def test_due_soon_then_arrears_each_remind_once(weekly_loans, coop, settings):
    settings.LANGUAGE_CODE = "id"  # the cooperative's language, for owners who never shopped in another
    _english_owner("m01")
    day0 = datetime.date(2026, 3, 2)
    m01_loan, _m02_loan = weekly_loans(day0)
    mail.outbox.clear()

    assert reminders.send_reminders(on=day0 + datetime.timedelta(days=3)) == 0  # first due in 7 days: too early
    assert reminders.send_reminders(on=day0 + datetime.timedelta(days=4)) == 2  # due in 3 days
    by_owner = {m.to[0]: m for m in mail.outbox}
    english, indonesian = by_owner[member("m01").owner.email], by_owner[member("m02").owner.email]
    assert english.subject == "Guyub: instalments due soon (m01)"
    assert english.body.startswith("Hello ") and m01_loan.reference in english.body
    assert "09.03.2026" in english.body and "Rp 10.100" in english.body  # the first of four: 10.000 + jasa 100
    assert indonesian.body.startswith("Halo ")  # the cooperative's language
    assert reminders.send_reminders(on=day0 + datetime.timedelta(days=5)) == 0  # already reminded
    assert len(mail.outbox) == 2

    share = m01_loan.shares.get()
    services.repay(
        share=share, amount=10_100, channel="cash", idempotency_key=key(), user=coop, on=day0 + datetime.timedelta(7)
    )
    mail.outbox.clear()
    late_day = day0 + datetime.timedelta(days=9)
    assert reminders.send_reminders(on=late_day) == 1  # only m02 did not pay: in arrears
    [late] = mail.outbox
    assert late.to == [member("m02").owner.email] and "(m02)" in late.subject
    assert "2 " in late.body and "10.100" in late.body  # two days late
    assert reminders.send_reminders(on=late_day) == 0
    assert reminders.send_reminders(on=late_day + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(kind="arrears").count() == 1
    assert Reminder.objects.filter(kind="due_soon").count() == 2


def test_a_failed_send_records_nothing_and_is_tried_again(weekly_loans, monkeypatch):
    day0 = datetime.date(2026, 3, 2)
    weekly_loans(day0)
    on = day0 + datetime.timedelta(days=5)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with pytest.raises(OSError):
        reminders.send_reminders(on=on)
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    mail.outbox.clear()
    assert reminders.send_reminders(on=on) == 2 and len(mail.outbox) == 2


def test_the_job_is_a_task_the_clock_runs(weekly_loans):
    from guyub.jobs import schedule
    from savings.tasks import send_instalment_reminders

    assert "savings.tasks.send_instalment_reminders" in {job.task for job in schedule.JOBS}
    weekly_loans(timezone.localdate() - datetime.timedelta(days=5))  # the first instalments fall due in 2 days
    mail.outbox.clear()
    assert send_instalment_reminders.enqueue().return_value == 2  # the in-process backend runs it now
    assert send_instalment_reminders.enqueue().return_value == 0
    assert len(mail.outbox) == 2
