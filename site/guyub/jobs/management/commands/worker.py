"""manage.py worker: django-tasks-db's db_worker that outlives a database restart.

db_worker leaves its loop on any OperationalError but a locked SQLite file, so a PostgreSQL restart stopped
planning, routing and deadline releases until someone restarted it. This command runs the same worker and, when
the database goes away, drops the dead connections and starts it again after a bounded back-off. Compose's
restart policy is the second line: if this process dies anyway (kill -9, out of memory), it is started again.
A job claimed by a killed worker is never finished by it; the routing sweep (``manage.py clock``) finds the work
it stood for and queues it again.
"""

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.db.utils import InterfaceError, OperationalError

log = logging.getLogger("guyub.worker")
MAX_DELAY = 30  # seconds between reconnection attempts, at most


class Command(BaseCommand):
    help = "Run the task worker (db_worker) and keep it running across database restarts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-restarts",
            type=int,
            default=None,
            help="give up after this many database failures in a row (default: never)",
        )

    def handle(self, *args, max_restarts=None, **options):
        failures = 0
        while True:
            started = time.monotonic()
            try:
                call_command("db_worker")
                return
            except (OperationalError, InterfaceError) as error:
                # A worker that ran a while before failing starts the back-off afresh.
                failures = 1 if time.monotonic() - started > 60 else failures + 1
                connections.close_all()
                if max_restarts is not None and failures > max_restarts:
                    raise
                delay = min(MAX_DELAY, 2 ** min(failures, 5))
                log.warning("worker: database unavailable (%s); starting again in %s s", error, delay)
                time.sleep(delay)  # back-off before reconnecting, not test timing
