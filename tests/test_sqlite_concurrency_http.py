"""Issue 13's concurrency check on the embedded SQLite: eight people at once — board members approving price
proposals, artisans accepting work, buyers placing orders — against a real server process (one thread per
request) on a copy of the seeded database. Nobody gets a server error, and no write is lost.

The server is the demo's set-up (runserver on SQLite in WAL mode with immediate transactions); the people are
HTTP sessions with cookies and CSRF tokens, released together by a barrier just before the write they race on.
"""

from __future__ import annotations

import datetime
import re
import sqlite3
import threading
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.browser_fixtures import _copy_database, serve
from tests.payments.helpers import ADDRESS, hidden_fields

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database's locking"),
    pytest.mark.django_db,
]
PASSWORD = "guyub-demo"


class Person:
    """A browser without a screen: a cookie jar, the CSRF token, and every answer's status kept."""

    def __init__(self, base: str):
        self.base, self.http, self.statuses = base, requests.Session(), []

    def get(self, path: str) -> requests.Response:
        return self._keep(self.http.get(self.base + path, timeout=60))

    def post(self, path: str, data: dict) -> requests.Response:
        token = self.http.cookies.get("csrftoken") or self.get("/accounts/login/").cookies.get("csrftoken")
        headers = {"Referer": self.base + path}
        return self._keep(
            self.http.post(self.base + path, data={"csrfmiddlewaretoken": token, **data}, headers=headers, timeout=60)
        )

    def login(self, email: str) -> None:
        self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/", {"login-username": email, "login-password": PASSWORD, "login_submit": "1"}
        )
        assert "sessionid" in self.http.cookies, answer.text[:300]

    def _keep(self, response):
        self.statuses.extend(r.status_code for r in (*response.history, response))
        return response


def rows(database_url: str, sql: str, params=()) -> list:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def shop(tmp_path):
    url = _copy_database("guyub_concurrency_http")
    with serve(url, tmp_path / "server.log") as live:
        yield live
    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def a_variant_in_stock():
    from oscar.core.loading import get_class, get_model

    strategy = get_class("partner.strategy", "Selector")().strategy()
    Product = get_model("catalogue", "Product")
    for product in Product.objects.filter(structure="child").order_by("upc"):
        info = strategy.fetch_for_product(product)
        if info.price.exists and getattr(info.availability, "free", 0) >= 3:
            return product
    pytest.skip("the seed has no variant with 3 free units")


def test_eight_people_at_once_get_no_error_and_lose_no_write(shop):
    variant = a_variant_in_stock()
    board1 = Person(shop.url)
    board1.login("board1@guyub.example")
    proposals = []
    for n in range(2):  # two proposals, each approved by two board members at the same moment
        page = board1.post(
            "/prices/proposals/new/",
            {"sku": variant.upc, "amount": str(150_000 + 5_000 * n), "min_quantity": "1", "reason": "test"},
        )
        proposals.append(int(re.search(r"/prices/proposals/(\d+)/", page.url).group(1)))

    poster = Person(shop.url)
    poster.login("artisan02@guyub.example")
    due = (datetime.date.today() + datetime.timedelta(weeks=2)).isoformat()
    poster.post("/pool/w/m02/overflow/", {"product": variant.pk, "quantity": "6", "due_week": due})
    offers = rows(
        shop.database_url,
        "SELECT w.id, m.code FROM pooling_workorder w JOIN inventory_member m "
        "ON m.id = w.member_id WHERE w.state = 'offered' ORDER BY w.id",
    )[:2]
    assert len(offers) == 2, "the overflow was offered to two makers at least"

    barrier = threading.Barrier(4 + len(offers) + 2)
    people, errors = [], []

    def vote(email, proposal):
        person = Person(shop.url)
        person.login(email)
        people.append(person)
        barrier.wait(timeout=120)
        person.post(f"/prices/proposals/{proposal}/approve/", {})

    def accept(code, work_order):
        person = Person(shop.url)
        person.login(f"artisan{code[1:]}@guyub.example")
        people.append(person)
        barrier.wait(timeout=120)
        person.post(f"/pool/work-orders/{work_order}/accept/", {})

    def buy(n):
        person = Person(shop.url)
        people.append(person)
        person.get(variant.get_absolute_url())
        person.post(f"/basket/add/{variant.pk}/", {"quantity": "1"})
        person.post("/checkout/", {"username": f"race{n}@example.com", "options": "anonymous"})
        person.post("/checkout/shipping-address/", ADDRESS)
        person.post("/checkout/shipping-method/", {"method_code": "pickup"})
        person.post("/checkout/payment-method/", {"method": "transfer"})
        preview = person.get("/checkout/payment-details/")
        fields = {k: v for k, v in hidden_fields(preview.text).items() if k != "csrfmiddlewaretoken"}
        barrier.wait(timeout=120)
        person.post("/checkout/preview/", {"action": "place_order", **fields})

    def run(work, *args):
        try:
            work(*args)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(repr(error))
            barrier.abort()

    jobs = [(vote, f"board{b}@guyub.example", p) for p in proposals for b in (2, 3)]
    jobs += [(accept, code, pk) for pk, code in offers] + [(buy, n) for n in range(2)]
    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert not [s for p in people for s in p.statuses if s >= 500], shop.log.read_text()[-3000:]
    votes = rows(
        shop.database_url,
        "SELECT proposal_id, COUNT(*) FROM catalog_proposalvote WHERE proposal_id IN "
        f"({proposals[0]}, {proposals[1]}) GROUP BY proposal_id",
    )
    assert sorted(votes) == [(proposals[0], 2), (proposals[1], 2)]  # no vote lost
    accepted = rows(shop.database_url, "SELECT COUNT(*) FROM pooling_workorder WHERE state = 'accepted'")[0][0]
    assert accepted == len(offers)
    guests = rows(shop.database_url, "SELECT COUNT(*) FROM order_order WHERE guest_email LIKE 'race%'")[0][0]
    assert guests == 2
