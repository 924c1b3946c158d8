"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented way to take its defaults)

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/guyub
SITE_DIR = PROJECT_DIR.parent  # site/
BASE_DIR = SITE_DIR.parent  # repository root
VAR_DIR = Path(os.environ.get("GUYUB_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ (it is git-ignored)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # Our apps first so their templates and translations win over Oscar's and Wagtail's.
    "guyub.users",
    "guyub.content",
    "guyub.demo",
    "guyub.jobs",
    "common",  # the base layer (roles, access, read-only admin, refusals): imports none of the apps below
    "catalog",
    "inventory",
    "pooling",
    "books",
    "savings",  # simpan-pinjam (issue 19): savings, dues, group loans, posted into books
    "trade",  # trade and export orders (issue 20): quotes planned by the pool, placed as shop orders
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # /sitemap.xml: its template (site/guyub/urls.py)
    # Oscar, with the apps we fork (catalog/shop/...) in place of the originals.
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "catalog.shop.checkout.apps.CheckoutConfig",
    "catalog.shop.address.apps.AddressConfig",  # Indonesian address: province, kabupaten/kota, kecamatan
    "catalog.shop.shipping.apps.ShippingConfig",  # couriers priced by zone and weight (or a live provider)
    "catalog.shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "catalog.shop.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "catalog.shop.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "catalog.shop.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "catalog.shop.search.apps.SearchConfig",  # product search through Wagtail's search framework
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "catalog.shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "catalog.shop.dashboard.catalogue.apps.CatalogueDashboardConfig",  # stockrecord price and stock read-only
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    # Wagtail owns the content pages and / .
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "guyub.urls"
WSGI_APPLICATION = "guyub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "guyub.context_processors.guyub",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'guyub.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite behind a web server (Django >= 5.1): concurrent requests wait for the writer instead of failing with
    # "database is locked". IMMEDIATE takes the write lock when a transaction starts, so a reader never has to
    # upgrade to a writer mid-transaction (that upgrade fails at once, whatever the timeout); WAL lets readers go on
    # while one request writes; the busy timeout (ms, matching `timeout` in s) is how long a writer waits.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "guyub.users.throttle.LoginThrottleBackend",  # django-axes' lockout check, first (see AXES_* below)
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "customer:login"
LOGIN_REDIRECT_URL = "/"
# Django's standard four. They run where a person chooses a password (registration, change, reset, admin); the
# demo seed sets its shared demo password directly and is not checked.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first, English switchable (cookie, set by the language switcher on every page).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [SITE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# The demo has no web server in front, so Django serves uploads itself; production's proxy serves them.
GUYUB_SERVE_MEDIA = env_bool("GUYUB_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SITE_ID = 1
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "toko@guyub.example")

# --- Oscar -------------------------------------------------------------------------------------
OSCAR_SHOP_NAME = "Guyub"
OSCAR_SHOP_TAGLINE = _("Leather-craft cooperative of Keparakan Kidul")
OSCAR_DEFAULT_CURRENCY = "IDR"
# Whole rupiah, Indonesian grouping, in both languages: "Rp 150.000".
OSCAR_CURRENCY_FORMAT = {"IDR": {"format": "¤ #,##0", "currency_digits": False, "locale": "id_ID"}}
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_THUMBNAILER = "oscar.core.thumbnails.SorlThumbnail"
OSCAR_HOMEPAGE = "/"
# One name is enough (many Indonesians have one); couriers need a phone. Province and kecamatan are required
# for Indonesian addresses by the form itself (catalog/shop/address/forms.py).
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4", "postcode", "country", "phone_number")
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
THUMBNAIL_DEBUG = False

# --- Shipping (catalog/shop/shipping; README "Shipping") ----------------------------------------
# Parcels leave from the cooperative's gallery; its postcode is the origin for a live rate provider.
GUYUB_SHIPPING_ORIGIN_POSTCODE = os.environ.get("GUYUB_SHIPPING_ORIGIN_POSTCODE", "55152")
GUYUB_SHIPPING_ORIGIN_ADDRESS = os.environ.get(
    "GUYUB_SHIPPING_ORIGIN_ADDRESS", "Galeri Guyub, Kampung Keparakan Kidul, Mergangsan, Kota Yogyakarta 55152"
)
# "table" (the staff-edited zones and weight bands, the default) or "live" (a Biteship/RajaOngkir-style API,
# falling back to the table when it fails or is slow).
GUYUB_SHIPPING_RATES = os.environ.get("GUYUB_SHIPPING_RATES", "table")
GUYUB_SHIPPING_LIVE_URL = os.environ.get("GUYUB_SHIPPING_LIVE_URL", "")
GUYUB_SHIPPING_LIVE_KEY = os.environ.get("GUYUB_SHIPPING_LIVE_KEY", "")
GUYUB_SHIPPING_LIVE_TIMEOUT = float(os.environ.get("GUYUB_SHIPPING_LIVE_TIMEOUT", "4"))
GUYUB_SHIPPING_DEFAULT_WEIGHT_GRAMS = int(os.environ.get("GUYUB_SHIPPING_DEFAULT_WEIGHT_GRAMS", "500"))

# --- Wagtail -----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Guyub"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Wagtail's database search backend (FTS5 on SQLite, full text on PostgreSQL), ranked in one pass on SQLite:
# catalog/shop/search/backend.py. A bigger catalogue can move to OpenSearch/Elasticsearch here alone.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "catalog.shop.search.backend"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt"]

# --- Background work: Django's Tasks API (django-tasks backport, brought by Wagtail) -----------
# In-process by default; production sets GUYUB_TASKS_BACKEND=django_tasks_db.DatabaseBackend and runs
# `manage.py db_worker` (docker/compose.yaml).
TASKS = {
    "default": {"BACKEND": os.environ.get("GUYUB_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}
if TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
    INSTALLED_APPS.append("django_tasks_db")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"  # the simple backend keeps no index to update

# --- Checkout and payments (issue #8; catalog/shop/checkout, payment, order) ---------------------
# Order statuses: English codes stored on the order, shown translated (catalog/shop/order/statuses.py).
OSCAR_INITIAL_ORDER_STATUS = "Awaiting payment"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Awaiting payment": ("Paid", "Cancelled"),
    "Paid": ("In production", "Shipped", "Cancelled"),
    "In production": ("Shipped", "Cancelled"),
    "Shipped": ("Complete",),
    "Complete": (),
    "Cancelled": (),
}
# Stripe: secrets only from the environment. With no secret key, cards are offered only where the settings turn
# on the clearly marked "test card mode" (GUYUB_FAKE_CARD_PAYMENTS in dev and test: a fake Stripe whose state is
# in the database, catalog/shop/checkout/fakestripe.py); production refuses that mode.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")  # set it to collect cards with Stripe Elements
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# Bank transfer: the account buyers pay into, and how long an unpaid order holds its stock.
GUYUB_BANK_NAME = os.environ.get("GUYUB_BANK_NAME", "Bank BPD DIY")
GUYUB_BANK_ACCOUNT_NUMBER = os.environ.get("GUYUB_BANK_ACCOUNT_NUMBER", "001.221.0045678")
GUYUB_BANK_ACCOUNT_HOLDER = os.environ.get("GUYUB_BANK_ACCOUNT_HOLDER", "Koperasi Kulit Keparakan Kidul")
GUYUB_BANK_TRANSFER_HOLD_HOURS = int(os.environ.get("GUYUB_BANK_TRANSFER_HOLD_HOURS", "24"))
# A card authorised but never turned into an order (buyer left during 3-D Secure) is cancelled after this.
GUYUB_CARD_AUTHORISATION_GRACE_MINUTES = int(os.environ.get("GUYUB_CARD_AUTHORISATION_GRACE_MINUTES", "30"))
# Midtrans Snap (virtual accounts, QRIS, e-wallets; catalog/shop/checkout/midtrans_gateway.py): offered only with
# both keys, or where the settings turn on the fake gateway (GUYUB_FAKE_MIDTRANS in dev and test; production
# refuses it). MIDTRANS_IS_PRODUCTION off means Midtrans' sandbox.
MIDTRANS_SERVER_KEY = os.environ.get("MIDTRANS_SERVER_KEY", "")
MIDTRANS_CLIENT_KEY = os.environ.get("MIDTRANS_CLIENT_KEY", "")
MIDTRANS_IS_PRODUCTION = env_bool("MIDTRANS_IS_PRODUCTION", False)
GUYUB_MIDTRANS_EXPIRY_MINUTES = int(os.environ.get("GUYUB_MIDTRANS_EXPIRY_MINUTES", str(24 * 60)))
GUYUB_FAKE_MIDTRANS = False

# --- inventory (issue #4, member workshops) -------------------------------------------------------
# Oscar's dashboard would show a partner user whole orders (other members' lines included); members
# see their own lines in the workspace, so the dashboard answers 403 to every non-staff user.
MIDDLEWARE += ["inventory.middleware.StaffOnlyDashboard"]

# --- Material loans (issue #7, pooling/loans) ------------------------------------------------------
# Raw-material loans between members. The board edits its loan rules at /loans/board/settings/; these
# are the values a fresh installation starts from.
INSTALLED_APPS += ["pooling.loans"]
GUYUB_LOANS_NOTICE_DAYS = int(os.environ.get("GUYUB_LOANS_NOTICE_DAYS", "2"))  # recall → due in this many days
GUYUB_LOANS_MAX_ACTIVE = int(os.environ.get("GUYUB_LOANS_MAX_ACTIVE", "3"))  # open loans per borrower
GUYUB_LOANS_TERM_DAYS = int(os.environ.get("GUYUB_LOANS_TERM_DAYS", "30"))  # return date when none is given

# --- Pooling (issue #6) -----------------------------------------------------------------------------
# ?maker=<code> on any page (links from an artisan's profile) is kept in the session; the basket
# receiver turns it into the line's preferred maker. Needs the session, so it comes after it.
MIDDLEWARE += ["pooling.middleware.RememberMaker"]

# --- Login throttling (issue 13; django-axes, guyub/users/throttle.py) -------------------------------
# Five wrong passwords for one account from one address lock that pair out for 15 minutes, on the shop's,
# the Django admin's and Wagtail's login alike. Per account *and* address, so an attacker elsewhere cannot
# lock a buyer out. Attempts live in the database (AccessAttempt), so every gunicorn worker sees them.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last: turns a locked-out login into the lockout page
AXES_FAILURE_LIMIT = int(os.environ.get("GUYUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GUYUB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # every login form calls authenticate(username=...), email or not
AXES_USERNAME_CALLABLE = "guyub.users.throttle.username_of"
AXES_CLIENT_IP_CALLABLE = "guyub.users.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "guyub.users.throttle.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Production sets this: gunicorn is reachable only through the proxy, which writes X-Forwarded-For itself.
GUYUB_BEHIND_PROXY = env_bool("GUYUB_BEHIND_PROXY", False)
