import oscar.apps.order.apps as apps
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from common.order_status import PAYMENT_EVENT_TYPES


def create_payment_event_types(sender, using="default", **kwargs):
    # Migration 0023 creates them; this puts them back after every migrate (like Django does for content
    # types), e.g. in a reused test database that a transactional test flushed.
    state = kwargs.get("apps") or global_apps  # migrate sends its app state; flush sends none
    PaymentEventType = state.get_model("order", "PaymentEventType")
    for code, name in PAYMENT_EVENT_TYPES:
        if not PaymentEventType.objects.using(using).filter(code=code).exists():
            PaymentEventType.objects.using(using).create(code=code, name=name)


class OrderConfig(apps.OrderConfig):
    name = "catalog.shop.order"

    def ready(self):
        super().ready()
        post_migrate.connect(create_payment_event_types, sender=self, dispatch_uid="guyub.payment_event_types")
