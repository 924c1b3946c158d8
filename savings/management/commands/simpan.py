"""Simpan-pinjam on the command line (other tools read the JSON; keep its shapes exactly):

manage.py simpan passbook MEMBER_CODE [--json]
    {"member": str, "savings": {"pokok": int, "wajib": int, "sukarela": int},
     "loans": [{"reference": str, "group": str|null, "principal": int, "outstanding": int, "days_in_arrears": int}]}
manage.py simpan collection-sheet --date YYYY-MM-DD [--json]
    {"date": str, "rows": [{"member": str, "group": str|null, "items": [{"kind": str, "reference": str,
     "amount": int}], "due": int}], "total": int}
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from books import ledger
from inventory.models import Member
from savings import selectors


class Command(BaseCommand):
    help = "Savings and loans: a member's passbook, the collection sheet of a meeting day."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        book = sub.add_parser("passbook")
        book.add_argument("member")
        book.add_argument("--json", action="store_true")
        sheet = sub.add_parser("collection-sheet")
        sheet.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
        sheet.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        if action == "passbook":
            return self._passbook(options["member"], options["json"])
        return self._sheet(options["date"], options["json"])

    def _passbook(self, code: str, as_json: bool):
        member = Member.objects.select_related("partner").filter(code=code).first()
        if member is None:
            raise CommandError(f"member: no member workshop with the code {code!r}")
        book = selectors.passbook(member)
        if as_json:
            self.stdout.write(json.dumps(book.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{member.code} {member.name}")
        for kind in ("pokok", "wajib", "sukarela"):
            self.stdout.write(f"  {kind:<10} {ledger.format_rupiah(getattr(book, kind)):>16}")
        for loan in book.loans:
            self.stdout.write(
                f"  {loan.reference:<10} {loan.group or '-':<10} {ledger.format_rupiah(loan.outstanding):>16}"
                f"  {loan.days_in_arrears} days in arrears"
            )

    def _sheet(self, text: str | None, as_json: bool):
        try:
            on = datetime.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(f"date: {text!r} is not a date written YYYY-MM-DD") from None
        if not selectors.sheet_date_allowed(on):
            raise CommandError(f"date: {text!r} must be from 2000 to a year from today")
        sheet = selectors.sheet_json(on)
        if as_json:
            self.stdout.write(json.dumps(sheet, ensure_ascii=False))
            return
        self.stdout.write(f"collection sheet {sheet['date']}")
        for row in sheet["rows"]:
            self.stdout.write(f"{row['member']:<8} {row['group'] or '-':<10} {ledger.format_rupiah(row['due']):>16}")
            for item in row["items"]:
                self.stdout.write(
                    f"    {item['kind']:<12} {item['reference']:<16} {ledger.format_rupiah(item['amount'])}"
                )
        self.stdout.write(f"total {ledger.format_rupiah(sheet['total'])}")
