"""manage.py clock [--once]: enqueue the periodic jobs (guyub/jobs/schedule.py) when they are due."""

import logging
import time

from django.core.management.base import BaseCommand

from guyub.jobs import schedule

log = logging.getLogger("guyub.clock")


class Command(BaseCommand):
    help = "Run the periodic jobs on time: work-order time-outs, unpaid transfers, card settlement, loan recalls."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")
        parser.add_argument("--tick", type=int, default=30, help="seconds between checks (default 30)")

    def handle(self, *args, once=False, tick=30, **options):
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in schedule.due(schedule.JOBS, last_run, now):
                try:
                    schedule.run(job)
                except Exception:  # noqa: BLE001 — one failing job must not stop the clock
                    log.exception("clock: %s failed", job.task)
                last_run[job.task] = now
                self.stdout.write(f"enqueued {job.task} ({job.why})")
            if once:
                return
            time.sleep(tick)  # a clock's wait between checks, not test timing
