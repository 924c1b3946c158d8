from django.core.management.base import BaseCommand

from pooling.demo import seed_pooling


class Command(BaseCommand):
    help = "Demo pool: an overflow posted by m02 with an offered work order for m01 (idempotent)."

    def handle(self, *args, **options):
        report = seed_pooling()
        self.stdout.write(f"pooling demo: {report}")
