"""The rate table in the Django admin: staff with the shipping permissions ("Staf toko") edit zones, courier
services and per zone and service a rate card with its weight bands. No deletes for shop staff."""

from django.contrib import admin
from oscar.apps.shipping.admin import *  # noqa: F401,F403  (registers Oscar's classes first)

from .models import CourierService, RateBand, RateCard, ShippingZone


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "countries", "postcode_prefixes", "position")
    ordering = ("position", "code")


@admin.register(CourierService)
class CourierServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "courier", "service", "is_active", "position")
    list_editable = ("is_active",)


class RateBandInline(admin.TabularInline):
    model = RateBand
    extra = 1


@admin.register(RateCard)
class RateCardAdmin(admin.ModelAdmin):
    list_display = ("zone", "service", "days", "extra_kg_cost")
    list_filter = ("zone", "service")
    inlines = [RateBandInline]
