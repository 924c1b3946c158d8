from django.core.management.base import BaseCommand

from pooling import services


class Command(BaseCommand):
    help = (
        "Offers unanswered within the board's response time count as declined and are routed again "
        "(`manage.py clock` runs it every 15 minutes)."
    )

    def handle(self, *args, **options):
        count = services.expire_work_orders()
        self.stdout.write(f"{count} work order(s) expired")
