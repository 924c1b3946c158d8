from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import RoutingRequest, RoutingRun, RoutingSettings, WorkOrder


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(admin.ModelAdmin):
    list_display = ["fairness", "distance", "preference", "response_hours", "updated_at"]


@admin.register(RoutingRequest)
class RoutingRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "member", "product", "quantity", "due_week", "status", "round", "unrouted"]
    list_filter = ["kind", "status"]


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["pk", "member", "product", "quantity", "week", "state", "request"]
    list_filter = ["state"]
    # Changed only through the services (load and stock ledgers move with the state).


@admin.register(RoutingRun)
class RoutingRunAdmin(ReadOnlyAdmin):  # its (request, round) row stops a retried job
    list_display = ["request", "round", "routed", "unrouted", "method", "created_at"]
