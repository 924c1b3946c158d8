from django.core.management.base import BaseCommand, CommandError

from pooling.promise_check import uncovered_lines


class Command(BaseCommand):
    help = (
        "Check that every open order line is covered by held stock, work being made for it, or reserved "
        "capacity (the promise side; inventory_check checks the stock ledger)."
    )

    def handle(self, *args, **options):
        rows = uncovered_lines()
        for row in rows:
            self.stdout.write(
                f"order {row.line.order.number} line {row.line.pk}: {row.uncovered} of "
                f"{row.line.quantity} uncovered (held {row.held}, making {row.making}, "
                f"reserved {row.reserved})"
            )
        if rows:
            raise CommandError(f"{len(rows)} order line(s) not covered")
        self.stdout.write("every open order line is covered")
