"""The test suite: fast hashing, in-memory email, immediate tasks, plain static storage."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, INSTALLED_APPS, STORAGES, VAR_DIR

SECRET_KEY = "guyub-tests"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The database backend's tables exist in the test database too: the fault test runs a real worker process
# (manage.py worker) against it, with GUYUB_TEST_TASKS_BACKEND set for that process only.
if "django_tasks_db" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
if os.environ.get("GUYUB_TEST_TASKS_BACKEND"):
    TASKS = {"default": {"BACKEND": os.environ["GUYUB_TEST_TASKS_BACKEND"]}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]
GUYUB_FAKE_CARD_PAYMENTS = True  # test card mode: a fake Stripe kept in the database (never in production)
GUYUB_FAKE_MIDTRANS = True  # a fake Midtrans kept in the database, when no MIDTRANS_SERVER_KEY (never in production)

# A file, not memory, so --reuse-db keeps the migrated database between runs (migrating takes ~35 s)
# and the browser tests can copy it for a real server process.
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # GUYUB_TEST_DB lets several people (or helpers) run the suite side by side without sharing a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / os.environ.get("GUYUB_TEST_DB", "test.sqlite3"))}
elif os.environ.get("GUYUB_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GUYUB_TEST_DB"].replace(".", "_")}
