"""Payments are read-only in the Django admin, Oscar's (sources, transactions, source types, cards) and ours:
they record what the bank or Stripe did; the checkout, the webhooks and the dashboard's refunds write them."""

from django.apps import apps
from django.contrib import admin
from oscar.apps.payment.admin import *  # noqa: F401,F403  (registers Oscar's classes first)

from common.admin import ReadOnlyAdmin, make_read_only

from .models import BankTransfer, CardPayment, ProcessedWebhookEvent

for _model in apps.get_app_config("payment").get_models():
    if admin.site.is_registered(_model):
        make_read_only(_model)


@admin.register(CardPayment)
class CardPaymentAdmin(ReadOnlyAdmin):
    list_display = ("intent_id", "order_number", "amount", "status", "amount_captured", "amount_refunded", "created_at")
    list_filter = ("status",)
    search_fields = ("intent_id", "order_number")


@admin.register(BankTransfer)
class BankTransferAdmin(ReadOnlyAdmin):
    list_display = ("reference", "order", "amount", "status", "expires_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("reference", "order__number")


@admin.register(ProcessedWebhookEvent)
class ProcessedWebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "event_type", "object_id", "outcome", "processed_at")
    search_fields = ("event_id", "object_id")
