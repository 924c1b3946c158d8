from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    label = "catalog"
    verbose_name = _("Agreed prices")

    def ready(self):
        from . import receivers  # noqa: F401  (basket lines remember the agreed price: catalog/receivers.py)
