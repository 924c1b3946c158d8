from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "guyub.users"
    label = "users"
    verbose_name = "Users"
