"""Capture or cancel card authorisations that nobody finished, and check Midtrans payments whose notification
did not come (run every few minutes, next to release_expired_transfers)."""

from django.core.management.base import BaseCommand

from catalog.shop.order import midtrans
from catalog.shop.order.cards import sweep_card_authorisations


class Command(BaseCommand):
    help = "Capture card authorisations of waiting orders; cancel those that never became an order."

    def handle(self, *args, **options):
        done = sweep_card_authorisations()
        self.stdout.write(f"Captured {len(done['captured'])}, cancelled {len(done['cancelled'])} authorisation(s)")
        gateway = midtrans.sweep()
        self.stdout.write(
            f"Midtrans: {len(gateway['paid'])} paid, {len(gateway['cancelled'])} cancelled after a status check"
        )
