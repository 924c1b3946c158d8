from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "pooling.loans"
    label = "loans"
    verbose_name = _("Material loans")
    default_auto_field = "django.db.models.BigAutoField"
