"""The Django admin shows ledgers, agreements, loans and routing but never changes them (services do)."""

import pytest
from django.contrib import admin

from common.admin import ReadOnlyAdmin

READ_ONLY = [
    "inventory.StockMovement",
    "inventory.MaterialMovement",
    "inventory.WeeklyLoad",
    "catalog.AgreedPrice",
    "catalog.PriceProposal",
    "loans.MaterialLoan",
    "pooling.RoutingRun",
    "pooling.WorkOrder",
    "pooling.RoutingRequest",
]


@pytest.mark.parametrize("label", READ_ONLY)
def test_admin_cannot_add_change_or_delete(label, rf, django_user_model):
    from django.apps import apps

    model_admin = admin.site._registry[apps.get_model(label)]
    assert isinstance(model_admin, ReadOnlyAdmin)
    request = rf.get("/")
    request.user = django_user_model(is_superuser=True, is_staff=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
