from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "guyub.content"
    label = "content"
    verbose_name = "Content pages"
