"""The trade app's periodic job (Django Tasks API; ``manage.py clock`` enqueues it): quotes past their validity
date expire, so a buyer cannot accept prices or a plan that no longer hold."""

from django_tasks import task

from . import services


@task()
def expire_quotes() -> int:
    return services.expire_quotes()
