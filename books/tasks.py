"""The books' periodic job (see site/guyub/jobs/schedule.py)."""

from django_tasks import task


@task()
def charge_monthly_dues() -> int:
    """Monthly dues on the first of the month; run hourly, each member is charged once a month."""
    from . import services

    return services.charge_monthly_dues()
