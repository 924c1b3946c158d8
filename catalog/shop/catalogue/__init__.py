default_app_config = '...catalog.shop.catalogue.apps.CatalogueConfig'
