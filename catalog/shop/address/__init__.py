default_app_config = "catalog.shop.address.apps.AddressConfig"
