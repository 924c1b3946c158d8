"""The benchmarks' settings: the demo's (guyub.settings.dev, DEBUG off), with plain static files so a throw-away
database needs no `collectstatic` first (the manifest lookup it skips is a dictionary read)."""

from guyub.settings.dev import *  # noqa: F401,F403
from guyub.settings.dev import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
