"""Background work for orders (Django's Tasks API). ``manage.py clock`` enqueues them when due
(site/guyub/jobs/schedule.py) and the worker runs them; the management commands ``release_expired_transfers``
and ``settle_card_payments`` run the same code by hand."""

from django.db import transaction
from django_tasks import default_task_backend, task

from . import midtrans
from .cards import sweep_card_authorisations
from .transfers import release_expired_transfers


@task()
def release_expired_transfers_task() -> list[str]:
    return release_expired_transfers()


@task()
def settle_card_payments_task() -> dict:
    done = sweep_card_authorisations()
    done["midtrans"] = midtrans.sweep()  # Midtrans payments whose notification did not come
    return done


def schedule(job, *, at) -> None:
    """Run ``job`` at ``at`` once the current transaction commits — only with a backend that can defer
    (the database worker). The in-process default cannot; the periodic commands cover it."""
    if getattr(default_task_backend, "supports_defer", False):
        transaction.on_commit(lambda: job.using(run_after=at).enqueue())
