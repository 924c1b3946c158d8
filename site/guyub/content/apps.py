from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "guyub.content"
    label = "content"
    verbose_name = "Content pages"

    def ready(self):
        from .images import guard_image_field  # ready(): patches Wagtail's image field once, at start-up

        guard_image_field()
