"""Oscar's catalogue dashboard, forked (the documented way) only to change its stockrecord form."""

import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    name = "catalog.shop.dashboard.catalogue"
