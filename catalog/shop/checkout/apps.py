import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "catalog.shop.checkout"

    def ready(self):
        super().ready()
        from . import checks  # noqa: F401  (registers the payment system checks)

        self.card_return_view = get_class("checkout.views", "CardReturnView")
        self.order_lookup_view = get_class("checkout.views", "OrderLookupView")
        self.test_bank_view = get_class("checkout.views", "TestBankView")

    def get_urls(self):
        from .webhooks import stripe_webhook

        urls = super().get_urls() + self.post_process_urls(
            [
                path("card/return/", self.card_return_view.as_view(), name="card-return"),
                path("order-status/", self.order_lookup_view.as_view(), name="order-lookup"),
                path("test-card/bank/", self.test_bank_view.as_view(), name="test-bank"),
                path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
            ]
        )
        return urls
