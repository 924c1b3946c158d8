"""Background work: recall loans the lender's own accepted work needs back (enqueued hourly by the clock,
site/guyub/jobs/schedule.py; or `manage.py recall_needed_loans` by hand)."""

from django_tasks import task

from .services import recall_needed_loans as recall


@task()
def recall_needed_loans() -> int:
    return len(recall())
