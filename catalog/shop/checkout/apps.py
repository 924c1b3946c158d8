import oscar.apps.checkout.apps as apps
from django.conf import settings
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "catalog.shop.checkout"

    def ready(self):
        super().ready()
        # ready(), not the top: apps.py loads before the models (Django's place for check registration)
        from . import checks  # noqa: F401  (registers the payment system checks)

        self.card_return_view = get_class("checkout.views", "CardReturnView")
        self.order_lookup_view = get_class("checkout.views", "OrderLookupView")
        self.test_bank_view = get_class("checkout.views", "TestBankView")

    def get_urls(self):
        # Views import models: not at the top of apps.py, which loads before the app registry is ready.
        from . import midtrans_views
        from .webhooks import stripe_webhook

        patterns = [
            path("card/return/", self.card_return_view.as_view(), name="card-return"),
            path("order-status/", self.order_lookup_view.as_view(), name="order-lookup"),
            path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
            path("midtrans/notification/", midtrans_views.notification, name="midtrans-notification"),
            path("midtrans/return/", midtrans_views.ReturnView.as_view(), name="midtrans-return"),
        ]
        # The test modes' pretend pages exist only where the settings allow a fake (never production, which
        # refuses both settings): not registered at all rather than answering 404.
        if getattr(settings, "GUYUB_FAKE_CARD_PAYMENTS", False):
            patterns.append(path("test-card/bank/", self.test_bank_view.as_view(), name="test-bank"))
        if getattr(settings, "GUYUB_FAKE_MIDTRANS", False):
            patterns.append(path("midtrans/test-pay/", midtrans_views.TestPayView.as_view(), name="midtrans-test-pay"))
        return super().get_urls() + self.post_process_urls(patterns)
