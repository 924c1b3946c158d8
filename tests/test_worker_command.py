"""manage.py worker keeps the task worker running across database restarts (issue 12, item 4)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError


def test_the_worker_starts_again_after_the_database_went_away(monkeypatch):
    from guyub.jobs.management.commands import worker

    runs, waits = [], []

    def db_worker(name, **options):
        assert name == "db_worker"
        runs.append(name)
        if len(runs) < 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    call_command("worker")
    assert len(runs) == 3 and waits == [2, 4]  # bounded exponential back-off


def test_the_worker_gives_up_when_told_to(monkeypatch):
    from guyub.jobs.management.commands import worker

    def db_worker(name, **options):
        raise OperationalError("no database")

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    with pytest.raises(OperationalError):
        call_command("worker", max_restarts=2)
