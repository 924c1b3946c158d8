"""Checking a price sheet (CSV of proposed prices), in plain Python (no Django).

The result names every problem by row (as a spreadsheet numbers it: the header is row 1) and column, with a
stable error code and parameters; the Django side turns codes into translated messages. Nothing here writes:
applying a sheet is all-or-nothing, decided by the caller from `SheetCheck.ok`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from common.cells import unescape_cell

from .rules import UNIT, amount_problem, change_needing_reason, change_percent, min_quantity_problem

COLUMNS = ("sku", "price", "min_quantity", "effective_from", "reason")
REQUIRED = ("sku", "price")
ALIASES = {"upc": "sku", "harga": "price", "mulai": "effective_from", "alasan": "reason", "min_qty": "min_quantity"}
MAX_ROWS = 5000
PAST_GRACE = timedelta(minutes=15)  # a time filled in "now" a few minutes ago is still "now"
MAX_AHEAD = timedelta(days=2 * 366)
REASON_MAX = 500

# A cell the export wrote with a leading quote (common.cells.escape_cell, CSV injection) is read back without it.
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # Indonesian thousands: 150.000
_PLAIN = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Problem:
    row: int  # 1 is the header; 0 means the file as a whole
    column: str
    code: str
    params: tuple = ()

    def param_dict(self) -> dict:
        return dict(self.params)


@dataclass(frozen=True)
class Priced:
    """What the sheet checker needs to know of a SKU: can it carry a price, and its prices in force now."""

    purchasable: bool
    prices: Mapping[int, Decimal] = field(default_factory=dict)  # min_quantity → amount in force


@dataclass
class SheetRow:
    row: int
    sku: str
    amount: Decimal | None = None
    min_quantity: int = UNIT
    effective_from: datetime | None = None  # None: as soon as the board approves
    reason: str = ""
    old: Decimal | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.problems and self.amount is not None and self.amount == self.old

    @property
    def percent(self) -> Decimal | None:
        if self.amount is None:
            return None
        return change_percent(self.old, self.amount)


@dataclass
class SheetCheck:
    rows: list[SheetRow] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> list[SheetRow]:
        return [r for r in self.rows if not r.problems and not r.unchanged]


def parse_rupiah(text: str) -> tuple[Decimal | None, str | None]:
    """Whole rupiah: "150000", "150.000" or "Rp 150.000". Decimals, commas and signs are refused."""
    value = (text or "").strip()
    if value[:2].lower() == "rp":
        value = value[2:].strip()
    if not value:
        return None, "required"
    if value.startswith("-"):
        return None, "not_positive"
    if _GROUPED.match(value):
        value = value.replace(".", "")
    elif not _PLAIN.match(value):
        return None, "not_whole_rupiah"
    amount = Decimal(value)
    code = amount_problem(amount)
    return (None, code) if code else (amount, None)


def parse_min_quantity(text: str) -> tuple[int | None, str | None]:
    value = (text or "").strip()
    if not value:
        return UNIT, None
    if not _PLAIN.match(value):
        return None, "not_whole_number"
    number = int(value)
    code = min_quantity_problem(number)
    return (None, code) if code else (number, None)


def parse_when(text: str, tz: tzinfo) -> tuple[datetime | None, str | None]:
    """ISO date or date-time ("2026-12-12", "2026-12-12 09:00", with or without offset); empty means "as soon as
    approved". A date alone means its start (00:00) in the shop's time zone."""
    value = (text or "").strip()
    if not value:
        return None, None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time())
        else:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return None, "bad_date"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, None


def check_timing(effective_from: datetime | None, now: datetime) -> str | None:
    """A price cannot be agreed backwards in time, nor absurdly far ahead."""
    if effective_from is None:
        return None
    if effective_from < now - PAST_GRACE:
        return "in_the_past"
    if effective_from > now + MAX_AHEAD:
        return "too_far_ahead"
    return None


def read_sheet(text: str) -> tuple[list[str], list[list[str]], str | None]:
    """(normalised header, data rows, file error code). Comma or semicolon separated (Indonesian Excel uses ;)."""
    text = (text or "").lstrip("\ufeff")  # a byte-order mark (or several, after re-saving) is no content
    if not text.strip():
        return [], [], "empty_file"
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        return [], [], "not_csv"
    if not rows:
        return [], [], "empty_file"
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in rows[0]]
    return header, rows[1:], None


def check_sheet(
    text: str,
    *,
    lookup: Callable[[Iterable[str]], Mapping[str, Priced]],
    now: datetime,
    tz: tzinfo,
    threshold_percent: Decimal | int,
) -> SheetCheck:
    """Check every row of a price sheet; `lookup(skus)` tells what the catalogue knows of them at `now`."""
    result = SheetCheck()
    header, rows, error = read_sheet(text)
    if error:
        result.file_problems.append(Problem(0, "", error))
        return result
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        for column in missing:
            result.file_problems.append(Problem(1, column, "missing_column"))
        return result
    if len(rows) > MAX_ROWS:
        result.file_problems.append(Problem(0, "", "too_many_rows", (("max", MAX_ROWS),)))
        return result
    records = []
    for offset, cells in enumerate(rows):
        if any(c.strip() for c in cells):  # blank lines at the end of a spreadsheet export are no rows
            values = {
                name: (unescape_cell(cells[i].strip()).strip() if i < len(cells) else "")
                for i, name in enumerate(header)
            }
            records.append((offset + 2, values))
    catalogue = lookup({values.get("sku", "") for _n, values in records} - {""})
    seen: dict[tuple[str, int], int] = {}
    for number, values in records:
        row = _check_row(number, values, catalogue, now, tz, threshold_percent)
        if row.amount is not None and not row.problems:
            key = (row.sku, row.min_quantity)
            if key in seen:
                row.problems.append(Problem(number, "sku", "duplicate", (("first_row", seen[key]),)))
            seen.setdefault(key, number)
        result.rows.append(row)
    if not result.rows:
        result.file_problems.append(Problem(0, "", "no_rows"))
    return result


def _check_row(number, values, catalogue, now, tz, threshold_percent) -> SheetRow:
    row = SheetRow(row=number, sku=values.get("sku", ""))
    problems = row.problems

    def problem(column: str, code: str, **params) -> None:
        problems.append(Problem(number, column, code, tuple(sorted(params.items()))))

    priced = catalogue.get(row.sku) if row.sku else None
    if not row.sku:
        problem("sku", "required")
    elif priced is None:
        problem("sku", "unknown_sku", sku=row.sku)
    elif not priced.purchasable:
        problem("sku", "parent_product", sku=row.sku)

    row.amount, code = parse_rupiah(values.get("price", ""))
    if code:
        problem("price", code, value=values.get("price", ""))

    min_quantity, code = parse_min_quantity(values.get("min_quantity", ""))
    if code:
        problem("min_quantity", code, value=values.get("min_quantity", ""))
    else:
        row.min_quantity = min_quantity

    row.effective_from, code = parse_when(values.get("effective_from", ""), tz)
    code = code or check_timing(row.effective_from, now)
    if code:
        problem("effective_from", code, value=values.get("effective_from", ""))

    row.reason = values.get("reason", "")
    if len(row.reason) > REASON_MAX:
        problem("reason", "too_long", max=REASON_MAX)

    if priced is not None and priced.purchasable:
        row.old = priced.prices.get(row.min_quantity)
        if row.amount is not None and not row.reason:
            percent = change_needing_reason(
                priced.prices, min_quantity=row.min_quantity, amount=row.amount, threshold_percent=threshold_percent
            )
            if percent is not None:
                problem("reason", "reason_required", percent=str(percent), threshold=int(threshold_percent))
    return row
