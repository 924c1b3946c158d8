"""Oscar's dashboard, forked (the documented way) so that its catalogue sub-app can be forked too: Oscar finds
``dashboard.catalogue.forms`` under the app labelled "dashboard". Nothing else changes."""

import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    name = "catalog.shop.dashboard"
