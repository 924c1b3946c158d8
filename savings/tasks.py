"""Simpan-pinjam's periodic job (Django Tasks API; ``manage.py clock`` enqueues it, see site/guyub/jobs/schedule.py):
members are reminded of instalments due soon or in arrears, once per instalment and kind."""

from django_tasks import task


@task()
def send_instalment_reminders() -> int:
    # Imported when the job runs: reminders use the books' emails, which attach PDF statements (fpdf2); the clock
    # imports every job module to enqueue and need not load it.
    from .services import reminders

    return reminders.send_reminders()
