"""The clock enqueues the periodic jobs when due: an unanswered work order times out without anyone clicking."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from guyub.jobs import schedule


def test_due_is_every_job_at_first_then_only_those_whose_interval_passed():
    jobs = schedule.JOBS
    assert schedule.due(jobs, {}, 0.0) == list(jobs)
    last = {job.task: 100.0 for job in jobs}
    assert schedule.due(jobs, last, 100.0 + 60) == []
    shortest = min(jobs, key=lambda job: job.every)
    assert shortest in schedule.due(jobs, last, 100.0 + shortest.every)


def test_every_job_names_a_real_task():
    from django.utils.module_loading import import_string

    for job in schedule.JOBS:
        assert callable(import_string(job.task).enqueue), job.task


@pytest.mark.django_db
def test_clock_once_times_out_an_unanswered_work_order(capsys):
    from pooling.demo import seed_pooling
    from pooling.models import RoutingSettings, WorkOrder

    seed_pooling()
    offer = WorkOrder.objects.filter(state=WorkOrder.State.OFFERED).first()
    hours = RoutingSettings.current().response_hours
    WorkOrder.objects.filter(pk=offer.pk).update(offered_at=timezone.now() - datetime.timedelta(hours=hours + 1))

    call_command("clock", "--once")

    offer.refresh_from_db()
    assert offer.state == WorkOrder.State.EXPIRED
    out = capsys.readouterr().out
    assert all(job.task in out for job in schedule.JOBS)
