"""Orders, their lines, prices, addresses and events are read-only in the Django admin: an edit there moved no
stock and kept no history (staff could give one buyer's order to another and mark it paid). Oscar's dashboard
and our services (catalog/shop/order) change them."""

from django.apps import apps
from django.contrib import admin
from oscar.apps.order.admin import *  # noqa: F401,F403  (registers Oscar's classes first)

from common.admin import make_read_only

for _model in apps.get_app_config("order").get_models():
    if admin.site.is_registered(_model):
        make_read_only(_model)
