"""`python -m pooling route` as a process: output, --out, --explain, refusals with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pooling_engine_testkit import ROOT, check_answer, example  # noqa: E402


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pooling", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(example()))
    return path


def test_route_prints_the_answer(instance_file: Path) -> None:
    done = run("route", str(instance_file))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    answer = json.loads(done.stdout)
    assert set(answer) == {"total_cost", "assignments", "unrouted"}
    assert all(set(a) == {"line", "member", "week", "quantity"} for a in answer["assignments"])
    check_answer(example(), answer)


def test_out_writes_the_file_and_nothing_to_stdout(instance_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "answer.json"
    done = run("route", str(instance_file), "--out", str(out))
    assert done.returncode == 0 and done.stdout == ""
    check_answer(example(), json.loads(out.read_text()))


def test_unwritable_out_exits_1(instance_file: Path, tmp_path: Path) -> None:
    done = run("route", str(instance_file), "--out", str(tmp_path))  # a folder, not a file
    assert (done.returncode, done.stdout) == (1, "")
    assert f"cannot write {tmp_path}" in done.stderr


def test_explain_adds_explanations(instance_file: Path) -> None:
    done = run("route", str(instance_file), "--explain")
    answer = json.loads(done.stdout)
    assert answer["assignments"]
    for a in answer["assignments"]:
        assert a["member"] in a["explanation"] and "load in week" in a["explanation"]
    assert {"method", "lower_bound", "gap_bound", "cost_breakdown"} <= set(answer["summary"])


def test_reads_stdin() -> None:
    done = run("route", "-", stdin=json.dumps(example()))
    assert done.returncode == 0
    check_answer(example(), json.loads(done.stdout))


def test_bad_instance_exits_2_and_names_the_field(tmp_path: Path) -> None:
    data = example()
    data["members"][1]["capacity"] = [4, 4]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    done = run("route", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "members[1].capacity: expected 3 integers, got 2" in done.stderr


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "instance: expected a JSON object"),
        (
            json.dumps({**example(), "lines": [{**example()["lines"][0], "quantity": 1.5}]}),
            "lines[0].quantity: expected an integer",
        ),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = run("route", str(path))
    assert (done.returncode, done.stdout) == (2, "")
    assert fragment in done.stderr


def test_missing_file_and_bad_usage_exit_2(tmp_path: Path) -> None:
    done = run("route", str(tmp_path / "nope.json"))
    assert (done.returncode, done.stdout) == (2, "")
    assert "nope.json" in done.stderr
    assert run("route").returncode == 2
    assert run("fly", "x.json").returncode == 2
