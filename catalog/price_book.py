"""The agreed prices a shop worker has read, kept across requests while the price book is unchanged (issue 16).

Every page that shows prices asked the database for its products' agreements (one query, and the ORM's cost of
building and converting it). The agreements change only when the board approves or withdraws a price (and when
the demo is seeded), and each of those writes a new random token into ``PriceBookVersion`` in the same
transaction. A worker reads the token (one indexed row, read without the ORM) and answers from what it read under
that token; a new token empties its memory. So a price the board approves shows at once in every worker and
process, whatever the cache backend, and a rolled-back change leaves the old token in force.

All valid agreements are kept, scheduled ones too: ``catalog.pricing.rules`` picks the one in force at the
moment asked, so a scheduled price takes effect on time with no write at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import connection

from .models import PriceBookVersion
from .selectors import agreements_by_product

MAX_PRODUCTS = 50_000  # a worker forgets everything past this many products (5,000 products: 13,000 variants)

_book: dict = {"token": None, "agreements": {}}


def changed() -> None:
    """Call inside the transaction that approves, withdraws or creates agreed prices."""
    PriceBookVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def current_token() -> str:
    """The price book's token ("" before the first price): one row by primary key, without the ORM's overhead."""
    table = connection.ops.quote_name(PriceBookVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")  # the table name is the model's own
        row = cursor.fetchone()
    return row[0] if row else ""


def agreements(product_ids: Iterable[int], *, token: str) -> dict[int, list]:
    """``selectors.agreements_by_product`` (every valid agreement, scheduled ones too), read once per token.

    A worker's threads share the memory: entries are only ever added to a book, and a new token (or a full book)
    starts a new one, so a thread still reading the old book is never cut short."""
    global _book
    book = _book
    if book["token"] != token:
        book = _book = {"token": token, "agreements": {}}
    known = book["agreements"]
    ids = [pk for pk in product_ids if pk is not None]
    found = {pk: known[pk] for pk in ids if pk in known}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        read = agreements_by_product(missing)
        found.update(read)
        if len(known) + len(read) > MAX_PRODUCTS:
            _book = {"token": token, "agreements": {}}
            known = _book["agreements"]
        known.update(read)
    return {pk: found[pk] for pk in ids}
