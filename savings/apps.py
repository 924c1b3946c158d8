from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavingsConfig(AppConfig):
    name = "savings"
    label = "savings"
    verbose_name = _("Savings and loans (simpan-pinjam)")
    default_auto_field = "django.db.models.BigAutoField"
