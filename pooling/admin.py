from django.contrib import admin

from .models import RoutingRequest, RoutingRun, RoutingSettings, WorkOrder


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(admin.ModelAdmin):
    list_display = ["fairness", "distance", "preference", "response_hours", "updated_at"]


@admin.register(RoutingRequest)
class RoutingRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "member", "product", "quantity", "due_week", "status", "round", "unrouted"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in RoutingRequest._meta.fields]


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["pk", "member", "product", "quantity", "week", "state", "request"]
    list_filter = ["state"]
    # Changed only through the services (load and stock ledgers move with the state).
    readonly_fields = [f.name for f in WorkOrder._meta.fields]


@admin.register(RoutingRun)
class RoutingRunAdmin(admin.ModelAdmin):
    list_display = ["request", "round", "routed", "unrouted", "method", "created_at"]
