"""Settings of the stock Oscar baseline: what Oscar's documentation has a new project add, nothing more."""

import os

from oscar.defaults import *  # noqa: F403 (Oscar's documented way to take its settings)

from guyub.settings.base import INSTALLED_APPS as GUYUB_APPS, MIDDLEWARE as GUYUB_MIDDLEWARE

SECRET_KEY = "stock-oscar-bench-only"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "bench.stock_oscar.urls"
SITE_ID = 1
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("STOCK_OSCAR_DB", "/tmp/guyub-stock-oscar.sqlite3"),
    }
}
# Guyub's own list with each Oscar fork (catalog/shop/...) swapped back for Oscar's original, and without
# Wagtail, our apps and what only they need: Django's contrib apps and the shop apps, as Oscar ships them.
SHOP_LIBRARIES = ("widget_tweaks", "haystack", "treebeard", "sorl.thumbnail", "django_tables2")
INSTALLED_APPS = [
    app.replace("catalog.shop.", "oscar.apps.", 1)
    for app in GUYUB_APPS
    if app.startswith(("django.contrib.", "oscar.", "catalog.shop.")) or app in SHOP_LIBRARIES
]
MIDDLEWARE = [m for m in GUYUB_MIDDLEWARE if m.startswith(("django.", "oscar."))]  # Django's and Oscar's only
AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ]
        },
    }
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
STATIC_URL = "/static/"
