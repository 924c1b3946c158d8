"""``manage.py trade plan REQUEST.json --json``: the dry-run plan of a trade order (issue 20; other tools read
the output, keep its shape). Unknown SKUs or bad quantities exit 2 with the reason on stderr; writes nothing."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import translation

from trade.planning import PlanRequestError, dry_run, parse_request


class Command(BaseCommand):
    help = "Trade orders: `trade plan REQUEST.json --json` prints the dry-run plan (changes nothing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        plan = sub.add_parser("plan", help="the dry-run plan of a request (- reads standard input)")
        plan.add_argument("request")
        plan.add_argument("--json", action="store_true", help="print the plan as JSON (the only format)")

    def handle(self, *args, **options):
        # Other tools read this command: its reasons are in English, like its field paths, whatever the shop's
        # default language.
        with translation.override("en"):
            self._plan(options["request"])

    def _plan(self, path: str):
        try:
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()  # noqa: SIM115
            data = json.loads(text)
        except OSError as exc:
            self._refuse(f"request: cannot read {path}: {exc.strerror}")
        except ValueError as exc:
            self._refuse(f"request: not JSON: {exc}")
        try:
            wanted, lines = parse_request(data)
        except PlanRequestError as exc:
            self._refuse(str(exc))
        result = dry_run(wanted, lines)
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))

    def _refuse(self, message: str):
        sys.stderr.write(message + "\n")
        sys.exit(2)
