from django.core.management.base import BaseCommand, CommandError

from inventory import selectors


class Command(BaseCommand):
    help = "Check that every stockrecord and material balance equals the sum of its movements."

    def handle(self, *args, **options):
        stock = selectors.stock_discrepancies()
        materials = selectors.material_discrepancies()
        for row in stock:
            self.stdout.write(f"stockrecord {row}")
        for row in materials:
            self.stdout.write(f"material balance {row}")
        if stock or materials:
            raise CommandError(f"{len(stock) + len(materials)} accounts differ from their movements")
        self.stdout.write("ledgers balance")
