from django.core.management.base import BaseCommand

from inventory.demo import seed_inventory


class Command(BaseCommand):
    help = "Add the demo cooperative's inventory (materials, bills, opening balances, capacity). Idempotent."

    def handle(self, *args, **options):
        report = seed_inventory()
        for what, n in sorted(report.created.items()):
            self.stdout.write(f"{what}: {n}")
