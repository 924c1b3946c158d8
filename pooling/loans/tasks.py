"""Background work: recall loans the lender's own accepted work needs back (enqueued hourly by the clock,
site/guyub/jobs/schedule.py; or `manage.py recall_needed_loans` by hand)."""
from django_tasks import task


@task()
def recall_needed_loans() -> int:
    from .services import recall_needed_loans as recall

    return len(recall())
