from django.contrib import admin
from oscar.apps.payment.admin import *  # noqa: F401,F403

from .models import BankTransfer, CardPayment, ProcessedWebhookEvent


@admin.register(CardPayment)
class CardPaymentAdmin(admin.ModelAdmin):
    list_display = ("intent_id", "order_number", "amount", "status", "amount_captured", "amount_refunded", "created_at")
    list_filter = ("status",)
    search_fields = ("intent_id", "order_number")
    readonly_fields = [f.name for f in CardPayment._meta.fields]


@admin.register(BankTransfer)
class BankTransferAdmin(admin.ModelAdmin):
    list_display = ("reference", "order", "amount", "status", "expires_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("reference", "order__number")
    readonly_fields = [f.name for f in BankTransfer._meta.fields]


@admin.register(ProcessedWebhookEvent)
class ProcessedWebhookEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "event_type", "object_id", "outcome", "processed_at")
    search_fields = ("event_id", "object_id")
    readonly_fields = [f.name for f in ProcessedWebhookEvent._meta.fields]
