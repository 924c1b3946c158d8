import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalog.shop.catalogue"

    def ready(self):
        super().ready()
        from . import tree_cache  # ready(): apps.py loads before the models it connects to

        tree_cache.connect()  # the category tree's cached fragment is renewed when a category changes
