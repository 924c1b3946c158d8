"""The stock Oscar baseline of bench/boot_probe.py (--stock-oscar, --with-wagtail) starts in a process of its own:
its settings take Guyub's app list, so a fresh machine (no baseline database yet) can migrate and boot it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.boot_probe import ROOT, stock_oscar_env

BOOT = "import django; django.setup(); from django.urls import get_resolver; print(len(get_resolver().url_patterns))"


@pytest.mark.parametrize("settings", ["bench.stock_oscar.settings", "bench.stock_oscar.settings_wagtail"])
def test_the_stock_oscar_baseline_boots_in_its_own_process(settings):
    done = subprocess.run(
        [sys.executable, "-c", BOOT], env=stock_oscar_env(settings), capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) > 0
