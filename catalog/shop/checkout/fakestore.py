"""Test card mode: the fake Stripe's state in the database (payment.FakeStripeObject), not in process memory.

Each gunicorn worker, the task worker and every management command builds its own ``FakeStripe``; with this
store they all read and write one fake account, as they would one real Stripe account. Each request to the
fake runs in one transaction (``atomic``) and reads an intent ``FOR UPDATE`` on PostgreSQL, so two processes
acting on the same intent take turns; an idempotency key is stored under the unique (kind, key) constraint, so
two processes sending the same key at once give one answer (the loser's work is rolled back and it replays
the winner's answer, see FakeStripe.handle).
"""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction

from catalog.shop.payment.models import FakeStripeObject


class DatabaseMap:
    """A dict-like view of one kind of fake Stripe object. Values are copies: write changes back with ``[]=``."""

    def __init__(self, kind: str):
        self.kind = kind

    def _rows(self):
        return FakeStripeObject.objects.filter(kind=self.kind)

    def get(self, key, default=None):
        if not key:
            return default
        rows = self._rows().filter(key=key)
        if connection.in_atomic_block:
            rows = rows.select_for_update()
        row = rows.first()
        return row.data if row is not None else default

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        FakeStripeObject.objects.update_or_create(kind=self.kind, key=key, defaults={"data": value})

    def __delitem__(self, key):
        self._rows().filter(key=key).delete()

    def __contains__(self, key):
        return self._rows().filter(key=key).exists()

    def __len__(self):
        return self._rows().count()

    def values(self):
        return [row.data for row in self._rows().order_by("pk")]

    def add(self, key, value) -> bool:
        """Insert unless the key exists (then False): the unique constraint decides between processes."""
        try:
            with transaction.atomic():
                FakeStripeObject.objects.create(kind=self.kind, key=key, data=value)
        except IntegrityError:
            return False
        return True


class DatabaseStore:
    def __init__(self):
        self.intents = DatabaseMap("payment_intent")
        self.refunds = DatabaseMap("refund")
        self.keys = DatabaseMap("idempotency")

    @staticmethod
    def atomic():
        return transaction.atomic()

    def add_key(self, key: str, value: dict) -> bool:
        return self.keys.add(key, value)
