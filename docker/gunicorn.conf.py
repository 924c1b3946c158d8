"""Gunicorn settings of the web service (Dockerfile, compose.yaml): lean workers (issue 16).

The master loads Django, Oscar and Wagtail once (``preload_app``) and forks the workers from it, so they share
those pages copy-on-write instead of each loading its own copy. Python's garbage collector would still write to
every shared object (its reference bookkeeping) and so copy the pages anyway; following the ``gc`` module's
advice for a process that forks without exec, the master collects nothing while it loads, freezes what it
loaded right before each fork, and each worker turns collection back on. A worker's full collections then also
skip the ~260,000 objects of the loaded code, which took 75-110 ms each on the search page.

Measured with 3 workers on the demo (bench/worker_memory.py): a worker's own memory (USS) went from ~123 to
~59 MiB and the four processes' share of the machine (PSS) from ~410 to ~307 MiB.

No database connection may cross a fork (two processes would talk on one socket): the master closes any it
opened while loading, before each fork.
"""

import gc
import os

bind = os.environ.get("GUYUB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUYUB_WEB_WORKERS", "3"))
accesslog = "-"
preload_app = True

gc.disable()  # the master: no collection while it loads (no freed holes in the pages the workers will share)


def pre_fork(server, worker):
    from django.db import connections

    connections.close_all()
    gc.freeze()  # everything loaded so far moves to the permanent generation, never scanned again


def post_fork(server, worker):
    gc.enable()
