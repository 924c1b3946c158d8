default_app_config = '...catalog.shop.order.apps.OrderConfig'
