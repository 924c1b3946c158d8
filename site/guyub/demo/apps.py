from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "guyub.demo"
    label = "demo"
    verbose_name = "Demo cooperative"
