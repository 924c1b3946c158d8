"""Shared fixtures: a seeded small cooperative, the people in each role, and a real browser on a real server.

The test database is migrated once and kept (--reuse-db); the small demo cooperative is seeded into it once
per session (the seed is idempotent), and every test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

SMALL_COOP = {"workshops": 8, "products": 10, "activity": False}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from guyub.demo.seed import seed_demo

    with django_db_blocker.unblock():
        seed_demo(**SMALL_COOP)


@pytest.fixture
def english_messages(settings):
    """Assertions read English: the shop's default is Indonesian, so code run outside a request (services,
    gateway) speaks English; test clients ask for English with the language cookie. Folders whose tests
    match English wording use it autouse; the Indonesian messages are tested explicitly."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _user(email: str):
    return get_user_model().objects.get(email=email)


# The seeded people each test may ask for: role (as `client_as` takes it) → (fixture name, email).
PEOPLE = {
    "buyer": ("buyer_user", "buyer1@guyub.example"),
    "artisan_a": ("artisan_a", "artisan01@guyub.example"),  # the owner of workshop m01
    "artisan_b": ("artisan_b", "artisan02@guyub.example"),  # the owner of workshop m02
    "board": ("board_user", "board1@guyub.example"),
    "board2": ("board_user_2", "board2@guyub.example"),
    "board3": ("board_user_3", "board3@guyub.example"),
    "staff": ("staff_user", "staff@guyub.example"),
}
WORKSHOPS = {"member_a": "m01", "member_b": "m02"}


def _seeded(name: str, find):
    """A fixture called ``name`` that returns ``find()`` (pytest finds fixtures by module attribute)."""

    def fixture(db):
        return find()

    fixture.__name__ = name
    return pytest.fixture(name=name)(fixture)


def _member(code: str):
    from inventory.models import Member

    return Member.objects.get(code=code)


for _fixture, _email in PEOPLE.values():
    globals()[_fixture] = _seeded(_fixture, lambda email=_email: _user(email))
for _fixture, _code in WORKSHOPS.items():
    globals()[_fixture] = _seeded(_fixture, lambda code=_code: _member(code))


_keys = itertools.count()


@pytest.fixture
def key():
    """A fresh idempotency key per call: key() → "t-1", "t-2", …"""
    return lambda: f"t-{next(_keys)}"


ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "board", "staff"]
# A member's own page (statement, passbook) of m01 or m02 by role: (role, member code, status). artisan_a is m01.
OWN_PAGE_ACCESS = [
    ("anonymous", "m01", 302),
    ("buyer", "m01", 403),
    ("artisan_a", "m01", 200),
    ("artisan_a", "m02", 404),
    ("artisan_b", "m01", 404),
    ("board", "m01", 200),
    ("staff", "m01", 403),
]


@pytest.fixture
def client_as(client, db):
    """`client_as("board")` → a test client logged in as that role (or anonymous)."""

    def login(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(_user(PEOPLE[role][1]))
        return client

    return login


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL row locks: runs in the PostgreSQL pass of .ci/run")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "browser" in item.keywords:
            # The browser's server runs on a copy of the test database: pytest-django sets that database up
            # only for tests marked as using it, so a run of browser tests alone would otherwise have none.
            item.add_marker(pytest.mark.django_db)


pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture
def agree(board_user, board_user_2, board_user_3):
    """Put a price through the board: board1 proposes, board2 and board3 approve, all at `at`."""
    from catalog import services as catalog_services

    def agree_price(product, amount, *, at=None, min_quantity=1, reason="test"):
        at = at or timezone.now() - datetime.timedelta(minutes=1)
        proposal = catalog_services.propose_price(
            product=product,
            amount=Decimal(amount),
            proposed_by=board_user,
            effective_from=at,
            min_quantity=min_quantity,
            reason=reason,
            now=at,
        )
        for member in (board_user_2, board_user_3):
            proposal = catalog_services.approve_proposal(proposal=proposal, board_member=member, now=at)
        assert proposal.status == "approved"
        return proposal

    return agree_price
