"""Bank statements: staff upload the bank's CSV export and every transfer it shows is confirmed in one step.

Accepted format (what Indonesian internet banking exports, reduced to three columns):

* UTF-8 text (a byte-order mark is fine), comma- or semicolon-separated, a header row naming the columns
  ``date``, ``description`` and ``amount`` (any order, any case; Indonesian ``tanggal``, ``keterangan``,
  ``jumlah`` too); other columns are ignored. At most 5,000 rows.
* ``date``: ``YYYY-MM-DD`` or ``DD/MM/YYYY``.
* ``amount``: whole rupiah, the money received (a credit); thousands may be grouped with dots or commas and a
  zero fraction (``,00``/``.00``) is allowed: ``150000``, ``150.000``, ``150,000.00``, ``Rp 150.000,00``. Debits
  (negative amounts, or ``DB`` after the number) are skipped.
* ``description``: the bank's text; the transfer's reference (``GY…``, as shown to the buyer) must appear in it,
  spaces and case do not matter.

A credit matches a transfer when its description holds the reference of a transfer still awaiting payment and
the amount is exactly the transfer's; transfers the shop does not keep itself (a trade order's balance) are found
through ``transfer_port``. ``dry_run`` says what would happen; ``apply`` confirms every match through
``services.confirm_bank_transfer`` in one transaction, and refuses (confirming nothing) if any row cannot be
read or any confirmation fails.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.shop.payment.models import BankTransfer

from . import services, transfer_port

MAX_ROWS = 5000
HEADERS = {
    "date": {"date", "tanggal", "tgl", "transaction date"},
    "description": {"description", "keterangan", "uraian", "remarks"},
    "amount": {"amount", "jumlah", "nominal", "credit", "kredit", "mutasi"},
}


class StatementError(ValueError):
    """The statement cannot be applied; the message is for staff."""


@dataclass
class Row:
    line: int
    date: date | None = None
    description: str = ""
    amount: Decimal | None = None
    error: str = ""
    transfer: BankTransfer | transfer_port.Due | None = None
    reason: str = ""  # why an unmatched credit did not match


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)

    @property
    def matches(self) -> list[Row]:
        return [r for r in self.rows if r.transfer is not None]

    @property
    def unmatched(self) -> list[Row]:
        return [r for r in self.rows if r.transfer is None and not r.error and r.reason]

    @property
    def errors(self) -> list[Row]:
        return [r for r in self.rows if r.error]

    @property
    def references(self) -> list[str]:
        return sorted(r.transfer.reference for r in self.matches)


def _amount(text: str) -> Decimal | None:
    """Whole rupiah, or None for a debit; ValueError when it is not an amount."""
    raw = text.strip().upper().replace("RP", "").replace(" ", "")
    if raw.endswith("DB") or raw.startswith("-"):
        return None
    raw = raw.removesuffix("CR")
    match = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})*|\d+)(?:[.,](\d{1,2}))?", raw)
    if not match:
        raise ValueError(text)
    whole, _sep, fraction = match.groups()
    if fraction and int(fraction):
        raise ValueError(text)  # not whole rupiah
    value = Decimal(re.sub(r"[.,]", "", whole))
    if value <= 0 or value >= 10**12:
        raise ValueError(text)
    return value


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse(content: bytes | str) -> list[Row]:
    """Read the CSV; a row that cannot be read carries ``error``. StatementError when the file itself is wrong."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise StatementError(_("The statement must be a CSV file in UTF-8.")) from error
    content = content.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(content[:2048], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    header = next(reader, None)
    if not header:
        raise StatementError(_("The statement is empty."))
    names = [h.strip().lower() for h in header]
    columns = {}
    for key, accepted in HEADERS.items():
        found = [i for i, name in enumerate(names) if name in accepted]
        if not found:
            raise StatementError(
                _("The statement needs the columns date, description and amount; %(column)s is missing.")
                % {"column": key}
            )
        columns[key] = found[0]
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise StatementError(_("At most %(count)s rows per statement.") % {"count": MAX_ROWS})
        row = Row(line=number)
        try:
            row.description = values[columns["description"]].strip()[:500]
            row.date = _date(values[columns["date"]])
            row.amount = _amount(values[columns["amount"]])
        except IndexError:
            row.error = _("Line %(line)s has too few columns.") % {"line": number}
        except ValueError as error:
            row.error = _("Line %(line)s: %(value)s is not a date or a whole rupiah amount.") % {
                "line": number,
                "value": str(error)[:60],
            }
        rows.append(row)
    return rows


def _candidates(description: str) -> list[str]:
    """Every string a reference could be in the description: banks split, lower-case or glue it to the next
    word, so each "GY" of the text without spaces gives all its prefixes of a reference's possible length."""
    text = re.sub(r"\s+", "", description.upper())
    found = set()
    for match in re.finditer("GY", text):
        tail = re.match(r"[A-Z0-9]*", text[match.start() :]).group(0)[:32]
        found.update(tail[:n] for n in range(7, len(tail) + 1))
    return sorted(found)


def dry_run(content: bytes | str) -> Result:
    """What applying would do: each credit matched to a transfer awaiting payment, or why not."""
    result = Result(rows=parse(content))
    seen = set()
    for row in result.rows:
        if row.error or row.amount is None:
            continue
        references = _candidates(row.description)
        transfer = BankTransfer.objects.select_related("order").filter(reference__in=references).first()
        transfer = transfer or transfer_port.find(references)  # e.g. a trade order's balance
        if transfer is None:
            row.reason = _("No transfer reference in the description.")
        elif not _awaiting(transfer):
            row.reason = _("Transfer %(reference)s is %(status)s.") % {
                "reference": transfer.reference,
                "status": _status(transfer).lower(),
            }
        elif transfer.amount != row.amount:
            row.reason = _("Transfer %(reference)s expects %(expected)s, the statement shows %(amount)s.") % {
                "reference": transfer.reference,
                "expected": f"{transfer.amount:.0f}",
                "amount": f"{row.amount:.0f}",
            }
        elif transfer.reference in seen:
            row.reason = _("Transfer %(reference)s appears twice in the statement.") % {"reference": transfer.reference}
        else:
            seen.add(transfer.reference)
            row.transfer = transfer
    return result


def _awaiting(transfer: BankTransfer | transfer_port.Due) -> bool:
    if isinstance(transfer, transfer_port.Due):
        return transfer.awaiting
    return transfer.status == BankTransfer.AWAITING


def _status(transfer: BankTransfer | transfer_port.Due) -> str:
    if isinstance(transfer, transfer_port.Due):
        return transfer.status_label
    return transfer.get_status_display()


def _confirm(transfer: BankTransfer | transfer_port.Due, user) -> bool:
    if isinstance(transfer, transfer_port.Due):
        return transfer_port.received(order=transfer.order, reference=transfer.reference, user=user)
    return services.confirm_bank_transfer(order=transfer.order, user=user)


def apply(content: bytes | str, *, user, expected: list[str] | None = None) -> list[str]:
    """Confirm every matched transfer, all or nothing; returns the confirmed references. ``expected`` is what
    the dry run showed: if the matches differ now (someone confirmed one meanwhile), nothing is applied."""
    result = dry_run(content)
    if result.errors:
        raise StatementError(
            _("The statement has lines that cannot be read (%(lines)s): nothing was confirmed.")
            % {"lines": ", ".join(str(r.line) for r in result.errors)}
        )
    if expected is not None and sorted(expected) != result.references:
        raise StatementError(_("The matches changed since the dry run: nothing was confirmed. Check again."))
    if not result.matches:
        raise StatementError(_("No transfer in this statement can be confirmed."))
    with transaction.atomic():
        for row in result.matches:
            try:
                confirmed = _confirm(row.transfer, user)
            except ValueError as error:
                raise StatementError(
                    _("Transfer %(reference)s: %(error)s Nothing was confirmed.")
                    % {"reference": row.transfer.reference, "error": error}
                ) from error
            if not confirmed:
                raise StatementError(
                    _("Transfer %(reference)s was confirmed meanwhile: nothing was confirmed. Check again.")
                    % {"reference": row.transfer.reference}
                )
    return result.references
