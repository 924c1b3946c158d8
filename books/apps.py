from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BooksConfig(AppConfig):
    name = "books"
    label = "books"
    verbose_name = _("Money books")
    default_auto_field = "django.db.models.BigAutoField"
