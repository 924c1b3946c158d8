from django.core.management.base import BaseCommand

from pooling.loans.services import recall_needed_loans


class Command(BaseCommand):
    help = "Recall open material loans whose lender's accepted work needs the material before it comes back."

    def handle(self, *args, **options):
        recalled = recall_needed_loans()
        for loan in recalled:
            self.stdout.write(
                f"recalled loan #{loan.pk} ({loan.lender.code} → {loan.borrower.code}), due {loan.due_on}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(recalled)} loan(s) recalled"))
