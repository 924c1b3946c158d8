"""Django admin: members and the catalogue of materials and bills are editable; ledgers are read-only
(movements are facts: a correction is a new movement, recorded through the workspace or the services)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import (
    BillLine,
    Material,
    MaterialBalance,
    MaterialMovement,
    Member,
    MemberClassCapacity,
    OwnOrder,
    Production,
    StockMovement,
    WeeklyLoad,
)


class MemberClassCapacityInline(admin.TabularInline):
    model = MemberClassCapacity
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "workers", "weekly_capacity", "status", "joined"]
    list_filter = ["status"]
    search_fields = ["code", "partner__name", "owner__email"]
    filter_horizontal = ["users", "skills"]
    raw_id_fields = ["owner", "partner"]
    inlines = [MemberClassCapacityInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "grade", "unit", "active"]
    list_filter = ["unit", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(BillLine)
class BillLineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product_class", "product", "material", "quantity"]
    list_filter = ["product_class", "material"]
    raw_id_fields = ["product"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "stockrecord", "kind", "in_stock_delta", "allocated_delta", "reason", "source"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key", "source", "stockrecord__partner__code"]


@admin.register(MaterialMovement)
class MaterialMovementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "material", "kind", "delta", "reason", "source"]
    list_filter = ["kind", "material"]
    search_fields = ["idempotency_key", "source", "member__code"]


@admin.register(MaterialBalance)
class MaterialBalanceAdmin(ReadOnlyAdmin):
    list_display = ["member", "material", "quantity"]
    list_filter = ["material"]


@admin.register(Production)
class ProductionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "product", "quantity", "source"]


@admin.register(WeeklyLoad)
class WeeklyLoadAdmin(ReadOnlyAdmin):
    list_display = ["week", "member", "units", "source"]
    list_filter = ["week"]


@admin.register(OwnOrder)
class OwnOrderAdmin(admin.ModelAdmin):
    list_display = ["member", "product_class", "quantity", "due_week", "status"]
    list_filter = ["status"]
    readonly_fields = ["member", "product_class", "quantity", "due_week"]  # they fed the load ledger
