default_app_config = '...catalog.shop.payment.apps.PaymentConfig'
