default_app_config = "catalog.shop.shipping.apps.ShippingConfig"
