from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "guyub.jobs"
    label = "guyub_jobs"
    verbose_name = "Periodic jobs"
