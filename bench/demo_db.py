"""A benchmark's own demo database: a SQLite file kept between runs, migrated on each, seeded once when new."""

from __future__ import annotations

import os
from pathlib import Path


def setup_demo_db(db: Path, **seed) -> None:
    """Start Django on ``db`` (the demo's settings) and seed the demo cooperative into a new file; ``seed`` goes to
    ``seed_demo`` (workshops, products, activity). Images are never seeded: no benchmark reads them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.dev")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django

    django.setup()
    from django.core.management import call_command

    fresh = not db.exists()
    call_command("migrate", verbosity=0)
    if fresh:
        from guyub.demo.seed import seed_demo

        seed_demo(images=False, **seed)
