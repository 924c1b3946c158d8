from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    label = "catalog"
    verbose_name = _("Agreed prices")

    def ready(self):
        # ready(), not the top: apps.py loads before the models (Django's place for receivers and ports)
        from books.prices import register_price_source

        from . import receivers  # noqa: F401  (basket lines remember the agreed price: catalog/receivers.py)
        from .selectors import price_in_force

        register_price_source(price_in_force)  # the money books post at the board's agreed prices
