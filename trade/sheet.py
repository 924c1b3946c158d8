"""A trade buyer's CSV of SKUs and quantities, plain Python: every row checked, errors by row, all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

MAX_ROWS = 500
MAX_DIGITS = 12  # a quantity cell longer than this is no quantity (with its leading zeros)
HEADERS = {"sku", "quantity", "qty", "jumlah"}


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the first line of the file
    message: str  # an English msgid with %(…)s parameters, translated by the caller
    params: dict


def parse(text: str, *, max_units: int) -> tuple[list[tuple[int, str, int]], list[RowError]]:
    """(row, sku, quantity) of every row, and the errors; a header row (sku,quantity) is skipped. Rows with
    nothing in them are ignored."""
    rows, errors = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in HEADERS:
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(number, gettext_noop("More than %(max)s rows: split the file."), {"max": MAX_ROWS}))
            break
        if len(cells) < 2 or not cells[0]:
            errors.append(RowError(number, gettext_noop("Expected two columns: SKU and quantity."), {}))
            continue
        sku, raw = cells[0], cells[1].replace(".", "").replace(",", "")
        # isdigit() passes "²", which int() refuses; int() refuses more than 4,300 digits (a 500, not a row error)
        if not raw.isdecimal() or len(raw) > MAX_DIGITS or not 1 <= int(raw) <= max_units:
            errors.append(
                RowError(
                    number,
                    gettext_noop("The quantity “%(value)s” is not a whole number from 1 to %(max)s."),
                    {"value": cells[1], "max": max_units},
                )
            )
            continue
        rows.append((number, sku, int(raw)))
    return rows, errors
