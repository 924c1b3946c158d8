"""Month-close benchmark for the money books (issue 17): close a month of 2,000 members and 100,000 lines.

    DATABASE_URL=sqlite:////tmp/booksbench.sqlite3 .venv/bin/python bench/books_bench.py [--members 2000]
        [--lines 100000] [--no-pdf]

Builds a throw-away database (deleted and migrated each run, default /tmp/booksbench.sqlite3) with bulk inserts:
``--members`` workshops (users, partners, members, their accounts) and two months of postings (each a member leg
and the cooperative's counter leg): two months ago a tenth of the members with a tenth of the lines, last month
all members with ``--lines`` member lines. It then closes both months in order the way the board does
(``services.month_close``: the close, then on commit every member's statement emailed with its PDF; the mail
goes to Django's locmem backend), and prints for each close the wall time, the number of queries, the emails
sent, the peak Python memory (tracemalloc, measured on an untimed second build of the same emails) and the
process's peak RSS. The query count must not grow with the members (the bench fails if the bigger month needs
more queries than the smaller). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
DEFAULT_DB = "sqlite:////tmp/booksbench.sqlite3"


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
    url = os.environ["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        sys.exit("books_bench builds a throw-away SQLite database: set DATABASE_URL=sqlite:////tmp/…")
    db = Path(url.removeprefix("sqlite:///"))
    if not url.startswith("sqlite:////"):
        db = ROOT / db
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)


def build(members: int, lines: int, months: tuple[datetime.date, datetime.date]) -> object:
    """Bulk-insert the members and two months of postings; returns the superuser who closes the months."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from books import ledger
    from books.models import Account, Leg, Posting
    from inventory.models import Member

    Partner = get_model("partner", "Partner")
    User = get_user_model()
    board = User.objects.create_superuser("board@bench.example", "x")
    User.objects.bulk_create(
        [User(email=f"owner{i:05d}@bench.example") for i in range(members)],
        batch_size=1000,
    )
    owners = list(User.objects.filter(email__startswith="owner").order_by("email"))
    Partner.objects.bulk_create(
        [Partner(name=f"Bengkel {i:05d}", code=f"bench-{i:05d}") for i in range(members)], batch_size=1000
    )
    partners = list(Partner.objects.filter(code__startswith="bench-").order_by("code"))
    Member.objects.bulk_create(
        [
            Member(
                partner=partners[i],
                code=f"b{i:05d}",
                owner=owners[i],
                workers=3,
                address="Jl. Malioboro, Yogyakarta",
                latitude="-7.790000",
                longitude="110.360000",
                weekly_capacity=20,
            )
            for i in range(members)
        ],
        batch_size=1000,
    )
    member_rows = list(Member.objects.order_by("code"))
    Account.objects.bulk_create(
        [Account(code=ledger.member_account(m.code), name=m.partner.name, member=m) for m in member_rows]
        + [Account(code=ledger.BUYERS, name="Buyers"), Account(code=ledger.DUES, name="Dues")],
        batch_size=1000,
    )
    accounts = {a.member_id: a.pk for a in Account.objects.filter(member__isnull=False)}
    buyers, dues = (Account.objects.get(code=c).pk for c in (ledger.BUYERS, ledger.DUES))
    member_ids = [m.pk for m in member_rows]
    plan = [(months[0], member_ids[: max(1, members // 10)], max(1, lines // 10)), (months[1], member_ids, lines)]
    serial = 0
    for month, ids, count in plan:
        for start in range(0, count, 10_000):
            chunk = range(start, min(count, start + 10_000))
            postings = []
            for k in chunk:
                serial += 1
                sale = k % 5 != 4
                postings.append(
                    Posting(
                        idempotency_key=f"bench:{serial}",
                        kind="sale" if sale else "dues",
                        reference=f"BENCH-{serial:07d}",
                        date=month + datetime.timedelta(days=k % 28),
                        month=month,
                        source="bench",
                    )
                )
            Posting.objects.bulk_create(postings, batch_size=2000)
            first = Posting.objects.get(idempotency_key=f"bench:{serial - len(postings) + 1}").pk
            legs = []
            for offset, posting in enumerate(postings):
                pk = first + offset  # SQLite hands out consecutive ids to one bulk insert
                member_id = ids[(start + offset) % len(ids)]
                amount = 150_000 if posting.kind == "sale" else -10_000
                legs.append(Leg(posting_id=pk, account_id=accounts[member_id], amount=amount))
                legs.append(Leg(posting_id=pk, account_id=buyers if amount > 0 else dues, amount=-amount))
            Leg.objects.bulk_create(legs, batch_size=4000)
    return board


def close(month: datetime.date, board, today: datetime.date) -> dict:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from books import services

    mail.outbox = []
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        services.month_close(month=month, user=board, today=today)
    seconds = time.perf_counter() - began
    sent = len(mail.outbox)
    mail.outbox = []
    # tracemalloc slows Python several times over: the memory is measured on a second, untimed build of the
    # same emails (what the close's job holds at once), not on the timed close.
    from books import emails

    tracemalloc.start()
    emails.statement_messages(month)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "peak_mb": peak / 2**20, "queries": len(queries), "emails": sent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--no-pdf", action="store_true", help="email without the PDF attachment")
    args = parser.parse_args()
    setup()
    from books import emails, ledger

    if args.no_pdf:
        emails.statement_pdf = lambda statement: b"%PDF-"
    today = datetime.date.today()
    last = ledger.month_start(ledger.month_start(today) - datetime.timedelta(days=1))
    before = ledger.month_start(last - datetime.timedelta(days=1))
    began = time.perf_counter()
    board = build(args.members, args.lines, (before, last))
    print(
        f"built {args.members} members, {args.lines + args.lines // 10} member lines "
        f"in {time.perf_counter() - began:.1f} s"
    )
    small = close(before, board, today)
    big = close(last, board, today)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for label, row in (
        (f"{ledger.month_label(before)} ({max(1, args.members // 10)} members)", small),
        (f"{ledger.month_label(last)} ({args.members} members)", big),
    ):
        print(
            f"close {label}: {row['seconds']:.2f} s, {row['queries']} queries, {row['emails']} emails, "
            f"peak Python memory {row['peak_mb']:.1f} MB"
        )
    print(f"process peak RSS {rss:.0f} MB")
    if big["queries"] > small["queries"]:
        sys.exit(f"FAIL: queries grew with the members ({small['queries']} → {big['queries']})")
    print("OK: the query count does not grow with the members")


if __name__ == "__main__":
    main()
