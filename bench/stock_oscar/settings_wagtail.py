"""The stock Oscar baseline plus the Wagtail apps Guyub installs (no pages served): what Wagtail itself adds to a
worker (bench/boot_probe.py --stock-oscar --with-wagtail)."""

from guyub.settings.base import INSTALLED_APPS as GUYUB_APPS

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = INSTALLED_APPS + [
    app for app in GUYUB_APPS if app.startswith("wagtail") or app in ("modelcluster", "taggit")
]
WAGTAIL_SITE_NAME = "Stock Oscar with Wagtail"
