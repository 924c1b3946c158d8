from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolingConfig(AppConfig):
    name = "pooling"
    label = "pooling"
    verbose_name = _("Order pool")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # ready(), not the top: apps.py loads before the models the receivers connect to
        from . import receivers  # noqa: F401  (connects the signal receivers)
