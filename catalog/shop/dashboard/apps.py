"""Oscar's dashboard, forked (the documented way) so that its catalogue sub-app can be forked too: Oscar finds
``dashboard.catalogue.forms`` under the app labelled "dashboard". It adds one page: the bank-statement upload
that confirms matching transfers in one step (``transfers/statement/``, staff only)."""

import oscar.apps.dashboard.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class DashboardConfig(apps.DashboardConfig):
    name = "catalog.shop.dashboard"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        self.permissions_map["transfer-statement"] = (DashboardPermission.staff,)

    def get_urls(self):
        # Views import models: not at the top of apps.py, which loads before the app registry is ready.
        from .views import TransferStatementView

        return super().get_urls() + self.post_process_urls(
            [path("transfers/statement/", TransferStatementView.as_view(), name="transfer-statement")]
        )
