"""`manage.py shipping quote --postcode 60111 --weight 1200 --json`: the shape other tools read."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_quote_json_shape_cheapest_first_with_pickup(capsys):
    call_command("shipping", "quote", "--postcode", "60111", "--weight", "1200", "--json")
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["options"]
    options = data["options"]
    for option in options:
        assert list(option) == ["code", "courier", "service", "cost", "days"]
        assert [type(option[k]) for k in ("code", "courier", "service", "cost", "days")] == [str, str, str, int, str]
    assert options[0]["code"] == "pickup" and options[0]["cost"] == 0
    assert [o["cost"] for o in options] == sorted(o["cost"] for o in options)
    assert {"jne-reg", "jnt-ez", "sicepat-reg", "pos-kilat", "jne-yes"} <= {o["code"] for o in options}


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--postcode", "6011", "--weight", "1200"], "postcode"),
        (["--postcode", "60111", "--weight", "-5"], "weight"),
        (["--postcode", "60111", "--weight", "1.5kg"], "weight"),
    ],
)
def test_bad_input_exits_2_with_the_reason_on_stderr(args, reason):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guyub.settings.dev", "GUYUB_VAR_DIR": str(ROOT / "var")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "site" / "manage.py"), "shipping", "quote", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert reason in result.stderr and result.stdout == ""
