default_app_config = '...catalog.shop.checkout.apps.CheckoutConfig'
