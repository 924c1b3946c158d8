"""Shared fixtures: a seeded small cooperative, the people in each role, and a real browser on a real server.

The test database is migrated once and kept (--reuse-db); the small demo cooperative is seeded into it once
per session (the seed is idempotent), and every test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

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


@pytest.fixture
def board_user(db):
    return _user("board1@guyub.example")


@pytest.fixture
def board_user_2(db):
    return _user("board2@guyub.example")


@pytest.fixture
def board_user_3(db):
    return _user("board3@guyub.example")


@pytest.fixture
def staff_user(db):
    return _user("staff@guyub.example")


@pytest.fixture
def buyer_user(db):
    return _user("buyer1@guyub.example")


@pytest.fixture
def artisan_a(db):
    """The owner of workshop m01."""
    return _user("artisan01@guyub.example")


@pytest.fixture
def artisan_b(db):
    """The owner of workshop m02."""
    return _user("artisan02@guyub.example")


@pytest.fixture
def member_a(db):
    from inventory.models import Member

    return Member.objects.get(code="m01")


@pytest.fixture
def member_b(db):
    from inventory.models import Member

    return Member.objects.get(code="m02")


ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "board", "staff"]


@pytest.fixture
def client_as(client, db):
    """`client_as("board")` → a test client logged in as that role (or anonymous)."""
    emails = {
        "buyer": "buyer1@guyub.example",
        "artisan_a": "artisan01@guyub.example",
        "artisan_b": "artisan02@guyub.example",
        "board": "board1@guyub.example",
        "board2": "board2@guyub.example",
        "board3": "board3@guyub.example",
        "staff": "staff@guyub.example",
    }

    def login(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(_user(emails[role]))
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
