"""The money books on the command line (other tools read the JSON; keep its shapes):

manage.py accounts trial-balance [--json]
manage.py accounts statement MEMBER_CODE --month YYYY-MM [--json]
manage.py accounts charge-dues            (the clock's job, by hand)
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from books import ledger, selectors, services
from inventory.models import Member


class Command(BaseCommand):
    help = "The cooperative's money books: trial balance, a member's monthly statement, monthly dues."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        trial = sub.add_parser("trial-balance")
        trial.add_argument("--json", action="store_true")
        statement = sub.add_parser("statement")
        statement.add_argument("member")
        statement.add_argument("--month", default=None, help="YYYY-MM (default: this month)")
        statement.add_argument("--json", action="store_true")
        sub.add_parser("charge-dues")

    def handle(self, *args, action, **options):
        if action == "trial-balance":
            return self._trial(options["json"])
        if action == "statement":
            return self._statement(options["member"], options["month"], options["json"])
        self.stdout.write(f"{services.charge_monthly_dues()} dues postings")

    def _trial(self, as_json: bool):
        trial = selectors.trial_balance()
        if as_json:
            self.stdout.write(json.dumps(trial, ensure_ascii=False))
            return
        for account in trial["accounts"]:
            amount = ledger.format_rupiah(account["balance"])
            self.stdout.write(f"{account['code']:<20} {account['name']:<36} {amount:>20}")
        self.stdout.write(f"{'total':<57} {ledger.format_rupiah(trial['total']):>20}")

    def _statement(self, code: str, month_text: str | None, as_json: bool):
        member = Member.objects.select_related("partner").filter(code=code).first()
        if member is None:
            raise CommandError(f"member: no member workshop with the code {code!r}")
        try:
            month = ledger.parse_month(month_text) if month_text else ledger.month_start(timezone.localdate())
        except ledger.BooksError as error:
            raise CommandError(f"month: {error}") from None
        statement = selectors.statement(member, month)
        if as_json:
            self.stdout.write(json.dumps(statement.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{member.code} {member.name} {ledger.month_label(month)}")
        self.stdout.write(f"opening {ledger.format_rupiah(statement.opening)}")
        for e in statement.entries:
            self.stdout.write(f"{e.date} {e.public_kind:<10} {e.reference:<60} {ledger.format_rupiah(e.amount):>16}")
        self.stdout.write(
            f"closing {ledger.format_rupiah(statement.closing)}  turnover {ledger.format_rupiah(statement.turnover)}"
        )
