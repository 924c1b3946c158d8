"""The books' periodic jobs (see site/guyub/jobs/schedule.py)."""

from django_tasks import task

from . import ledger, services


@task()
def charge_monthly_dues() -> int:
    """Monthly dues on the first of the month; run hourly, each member is charged once a month."""
    return services.charge_monthly_dues()


@task()
def close_due_months() -> int:
    """Last month closes by itself on the 10th if the board has not; run hourly, a month closes once."""
    return len(services.close_due_months())


@task()
def email_month_statements(month: str) -> int:
    """Each member's statement of a month just closed (``month`` as YYYY-MM), by email."""
    # Imported when the job runs: emails attach the PDF statement (fpdf2), which the clock (it imports every job
    # module to enqueue) and a web worker enqueuing a month close need not load.
    from . import emails

    return emails.send_month_statements(ledger.parse_month(month))
