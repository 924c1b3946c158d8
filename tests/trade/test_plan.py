"""The dry-run plan: what can be ready by the wanted date, the earliest date, the per-member table; it writes
nothing; the command line keeps the issue's shape exactly and refuses bad requests with exit 2."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from trade import plan as rules
from trade.planning import PlanRequestError, Wanted, dry_run, parse_request

from .conftest import six_weeks_out

ROOT = Path(__file__).resolve().parents[2]


def _counts():
    from inventory.models import WeeklyLoad
    from pooling.models import RoutingRequest, WorkOrder

    return WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count()


def test_six_weeks_of_sandals_and_belts_fit_over_every_skilled_member_and_change_nothing(coop):
    before = _counts()
    wanted = six_weeks_out()
    result = dry_run(wanted, [Wanted(coop["sandal"], 600), Wanted(coop["belt"], 200)])
    assert _counts() == before  # the load ledger, routing requests and work orders are untouched
    assert [(x.sku, x.quantity, x.ready_by_wanted) for x in result.lines] == [
        (coop["sandal"].upc, 600, 600),
        (coop["belt"].upc, 200, 200),
    ]
    assert result.earliest is not None and result.earliest <= wanted
    assert result.member_count >= 5
    per_sku = {}
    for maker in result.makers:
        per_sku[maker.sku] = per_sku.get(maker.sku, 0) + maker.units
        assert maker.week.weekday() == 0 and rules.ready_on(maker.week) <= wanted
    assert per_sku == {coop["sandal"].upc: 600, coop["belt"].upc: 200}
    # Shared hands: no member-week gets more than its capacity over both products.
    week_units = {}
    for maker in result.makers:
        week_units[(maker.member, maker.week)] = week_units.get((maker.member, maker.week), 0) + maker.units
    assert max(week_units.values()) <= 40


def test_too_soon_says_what_is_ready_and_the_earliest_date(coop):
    wanted = datetime.date.today() + datetime.timedelta(days=8)
    members = len(coop["members"])
    result = dry_run(wanted, [Wanted(coop["sandal"], 40 * members * 4)])
    line = result.lines[0]
    assert line.ready_by_wanted < line.quantity
    assert result.earliest is not None and result.earliest > wanted
    assert sum(m.units for m in result.makers) == line.quantity
    ready = sum(m.units for m in result.makers if rules.ready_on(m.week) <= wanted)
    assert ready == line.ready_by_wanted


def test_rules_due_index_counts_only_weeks_that_end_by_the_wanted_date():
    monday = datetime.date(2026, 12, 7)
    assert rules.due_index(monday, datetime.date(2026, 12, 13)) == 0  # its Sunday
    assert rules.due_index(monday, datetime.date(2026, 12, 12)) == -1  # the Saturday: the week is not over
    assert rules.due_index(monday, datetime.date(2026, 12, 20)) == 1


@pytest.mark.parametrize(
    ("request_data", "field"),
    [
        ({"wanted": "2027-13-01", "lines": [{"sku": "x", "quantity": 1}]}, "wanted"),
        ({"wanted": "2027-01-01", "lines": []}, "lines"),
        ({"wanted": "2027-01-01", "lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}]}, "lines[0].sku"),
        ({"wanted": "2027-01-01", "lines": [{"sku": "{sandal}", "quantity": 0}]}, "lines[0].quantity"),
        ({"wanted": "2027-01-01", "lines": [{"sku": "{sandal}", "quantity": 2.5}]}, "lines[0].quantity"),
        ({"wanted": "2027-01-01", "lines": [{"sku": "{sandal}", "quantity": True}]}, "lines[0].quantity"),
        (
            {"wanted": "2027-01-01", "lines": [{"sku": "{sandal}", "quantity": 1}, {"sku": "{sandal}", "quantity": 2}]},
            "lines[1].sku",
        ),
    ],
)
def test_bad_requests_name_the_field(coop, request_data, field):
    data = json.loads(json.dumps(request_data).replace("{sandal}", coop["sandal"].upc))
    with pytest.raises(PlanRequestError) as caught:
        parse_request(data)
    assert caught.value.field == field and str(caught.value).startswith(field + ":")


def test_command_prints_the_exact_shape(coop, tmp_path, capsys):
    path = tmp_path / "request.json"
    wanted = six_weeks_out().isoformat()
    path.write_text(
        json.dumps(
            {
                "wanted": wanted,
                "lines": [{"sku": coop["sandal"].upc, "quantity": 600}, {"sku": coop["belt"].upc, "quantity": 200}],
            }
        )
    )
    before = _counts()
    call_command("trade", "plan", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert _counts() == before
    assert set(out) == {"earliest", "lines", "makers"}
    datetime.date.fromisoformat(out["earliest"])
    assert out["lines"] == [
        {"sku": coop["sandal"].upc, "quantity": 600, "ready_by_wanted": 600},
        {"sku": coop["belt"].upc, "quantity": 200, "ready_by_wanted": 200},
    ]
    for maker in out["makers"]:
        assert set(maker) == {"member", "sku", "units", "week"}
        assert isinstance(maker["units"], int) and maker["units"] > 0
        datetime.date.fromisoformat(maker["week"])


def test_command_exits_2_with_the_reason_on_stderr(coop, tmp_path, capsys):
    from django.utils import translation

    path = tmp_path / "request.json"
    path.write_text(json.dumps({"wanted": "2027-01-01", "lines": [{"sku": "NO-SUCH-SKU", "quantity": 5}]}))
    with pytest.raises(SystemExit) as caught, translation.override("id"):  # the shop's default language
        call_command("trade", "plan", str(path), "--json")
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "lines[0].sku" in captured.err and "NO-SUCH-SKU" in captured.err
    assert "no product has the SKU" in captured.err  # English for the tools that read it, like the field path
    path.write_text(json.dumps({"wanted": "2027-01-01", "lines": [{"sku": coop["sandal"].upc, "quantity": -3}]}))
    with pytest.raises(SystemExit) as caught:
        call_command("trade", "plan", str(path), "--json")
    assert caught.value.code == 2 and "lines[0].quantity" in capsys.readouterr().err


def test_command_line_process_exit_status(tmp_path):
    """Through manage.py as other tools call it (a fresh process on the test settings: bad input needs no data)."""
    path = tmp_path / "bad.json"
    path.write_text('{"wanted": "2027-01-01", "lines": [{"sku": "X", "quantity": "many"}]}')
    done = subprocess.run(
        [sys.executable, "site/manage.py", "trade", "plan", str(path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "guyub.settings.test"},
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == "" and "lines[0].quantity" in done.stderr
