"""The cooperative's clock: jobs that must run on time even when nobody clicks anything.

Each job is a Django Tasks API task, enqueued when due (the in-process backend runs it at once; in production
the database worker does). The jobs are idempotent, so running one early or twice is harmless; the clock only
keeps them regular. ``manage.py clock`` runs the loop (docker/compose.yaml's ``clock`` service).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    task: str  # dotted path of a Django task
    every: int  # seconds
    why: str


JOBS = (
    Job(
        "pooling.tasks.sweep_routing",
        5 * 60,
        "routing jobs that were lost (dead worker, database restart) are queued again; unplanned orders planned",
    ),
    Job("pooling.tasks.expire_work_orders", 15 * 60, "unanswered work orders count as declined and are re-routed"),
    Job(
        "catalog.shop.order.tasks.release_expired_transfers_task",
        15 * 60,
        "bank transfers not paid in time release their stock",
    ),
    Job(
        "catalog.shop.order.tasks.settle_card_payments_task",
        10 * 60,
        "card authorisations whose request died are captured or cancelled",
    ),
    Job("pooling.loans.tasks.recall_needed_loans", 60 * 60, "loans the lender's accepted work needs are recalled"),
    Job("trade.tasks.expire_quotes", 60 * 60, "trade quotes past their validity date expire"),
    Job("books.tasks.charge_monthly_dues", 60 * 60, "monthly dues (iuran) are debited on the first of the month"),
    Job(
        "books.tasks.close_due_months",
        60 * 60,
        "last month closes on the 10th (before the members' meeting on the 12th) if the board has not closed it",
    ),
    Job(
        "savings.tasks.send_instalment_reminders",
        60 * 60,
        "members are emailed about loan instalments due within 3 days or in arrears (once per instalment and kind)",
    ),
)


def due(jobs, last_run: dict[str, float], now: float) -> list[Job]:
    """The jobs whose interval has passed since they last ran (never run: due now)."""
    return [job for job in jobs if now - last_run.get(job.task, float("-inf")) >= job.every]


def run(job: Job) -> None:
    import_string(job.task).enqueue()
