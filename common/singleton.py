"""Settings the board edits kept as one database row (pk=1): routing weights, loan rules, price rules."""

from __future__ import annotations


class SingletonSettings:
    """Mix into a models.Model (before it) that holds one row. `current()` loads it, made on first use with
    `singleton_defaults()`; `lock=True` takes the row lock, for a service that reads the rules and changes data
    by them in one transaction."""

    SINGLETON_PK = 1

    @classmethod
    def singleton_defaults(cls) -> dict:
        return {}

    @classmethod
    def current(cls, *, lock: bool = False):
        rows = cls.objects.select_for_update() if lock else cls.objects
        row = rows.filter(pk=cls.SINGLETON_PK).first()
        if row is None:
            row, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK, defaults=cls.singleton_defaults())
            if lock:
                row = cls.objects.select_for_update().get(pk=cls.SINGLETON_PK)
        return row
