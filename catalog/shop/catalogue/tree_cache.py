"""The category tree's cached fragment (the catalogue's side column) and its invalidation (issue 16).

Templates key the fragment on ``version()``; any change to a category (saved, moved, deleted) replaces the
version, so the next page renders the tree afresh. The version is a fresh token, never a counter, so a cache
that dropped the key cannot bring an old fragment back.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from oscar.core.loading import get_model

VERSION_KEY = "guyub:category-tree:version"
FRAGMENT_SECONDS = 60 * 60  # bounded even on a per-process cache (a deployment without REDIS_URL)


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = str(time.time_ns())
        cache.add(VERSION_KEY, token, None)
        token = cache.get(VERSION_KEY, token)
    return token


def bump() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), None)


def on_category_change(sender, raw=False, **kwargs) -> None:
    if raw:
        return
    bump()  # now, for this process's next render
    # …and after the transaction, for renders that read the tree before the change was committed (a move
    # after the save, the dashboard's form, another worker).
    transaction.on_commit(bump)


def connect() -> None:
    Category = get_model("catalogue", "Category")
    post_save.connect(on_category_change, sender=Category, dispatch_uid="guyub.category_tree.save")
    post_delete.connect(on_category_change, sender=Category, dispatch_uid="guyub.category_tree.delete")
