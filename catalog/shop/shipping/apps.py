import oscar.apps.shipping.apps as apps
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from .defaults import ensure_default_table


def create_default_rate_table(sender, using="default", **kwargs):
    # Like Django's content types: a new (or flushed test) database gets the default zones and bands.
    ensure_default_table(kwargs.get("apps") or global_apps, using=using)


class ShippingConfig(apps.ShippingConfig):
    name = "catalog.shop.shipping"

    def ready(self):
        super().ready()
        post_migrate.connect(create_default_rate_table, sender=self, dispatch_uid="guyub.shipping_rate_table")
