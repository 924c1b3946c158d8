"""A storefront worker carries no payment SDK and no search stemmer until a request needs one (issue 16).

A fresh process imports the WSGI application as gunicorn does and serves the home page, the catalogue and a
product page from a copy of the seeded test database; then `stripe`, `midtransclient` and `snowballstemmer`
must still be absent from ``sys.modules``. A search then loads the stemmer (so the check can fail).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
LAZY = ("stripe", "midtransclient", "snowballstemmer")
pytestmark = pytest.mark.django_db  # the seeded session database (copied for the process before the test runs)

PROBE = """
import json, sys
from guyub.wsgi import application  # noqa: F401  (what a gunicorn worker imports)
from django.test import Client
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
product = Product.objects.filter(structure=Product.PARENT, is_public=True).order_by("pk").first()
client = Client(HTTP_HOST="localhost")
pages = {url: client.get(url).status_code for url in ("/", "/catalogue/", product.get_absolute_url())}
loaded = {name: name in sys.modules for name in %(lazy)r}
client.get("/search/", {"q": "tas"})
print(json.dumps({"pages": pages, "loaded": loaded, "after_search": "snowballstemmer" in sys.modules}))
"""


@pytest.fixture(scope="module")  # before the test's transaction: PostgreSQL copies a database nobody is using
def database_url(django_db_setup, django_db_blocker):
    from tests.browser_fixtures import _copy_database

    with django_db_blocker.unblock():
        url = _copy_database("guyub_lazy")
    yield url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def test_serving_the_storefront_imports_no_payment_sdk_nor_stemmer(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "guyub.settings.test",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE % {"lazy": LAZY}],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report["pages"].values()) == {200}, report["pages"]
    assert report["loaded"] == dict.fromkeys(LAZY, False), report["loaded"]
    assert report["after_search"], "a search needs the stemmer: the probe would not notice it loading"
