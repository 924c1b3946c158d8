from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "trade"
    label = "trade"
    verbose_name = _("Trade and export orders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # ready(), not the top: apps.py loads before the models (Django's place for receivers and ports)
        from catalog.shop.order import transfer_port

        from . import receivers  # noqa: F401
        from .services import TransferSource

        # The shop's transfer confirmations (statement upload, dashboard) reach the trade order's deposit and
        # balance through this port: the shop sits below trade and may not import it.
        transfer_port.register(TransferSource())
