"""The test suite: fast hashing, in-memory email, immediate tasks, plain static storage."""
import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES, VAR_DIR

SECRET_KEY = "guyub-tests"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["*"]

# A file, not memory, so --reuse-db keeps the migrated database between runs (migrating takes ~35 s)
# and the browser tests can copy it for a real server process.
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # GUYUB_TEST_DB lets several people (or helpers) run the suite side by side without sharing a file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / os.environ.get("GUYUB_TEST_DB", "test.sqlite3"))}
elif os.environ.get("GUYUB_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["GUYUB_TEST_DB"].replace(".", "_")}
