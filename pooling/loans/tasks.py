"""Background work: recall loans the lender's own accepted work needs back (run daily by the worker,
or `manage.py recall_needed_loans` from cron)."""
from django_tasks import task


@task()
def recall_needed_loans() -> int:
    from .services import recall_needed_loans as recall

    return len(recall())
