default_app_config = '...catalog.shop.partner.apps.PartnerConfig'
