"""Cancel orders whose bank transfer did not arrive in time and release their stock (run every few minutes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.shop.order.transfers import release_expired_transfers


class Command(BaseCommand):
    help = "Cancel unpaid bank-transfer orders past their deadline and release the stock they held."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="pretend it is this ISO time (testing, catching up)")

    def handle(self, *args, now=None, **options):
        moment = parse_datetime(now) if now else None
        if now and moment is None:
            raise SystemExit(f"--now: not an ISO date-time: {now}")
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # read in the shop's time zone (Asia/Jakarta)
        released = release_expired_transfers(now=moment)
        self.stdout.write(f"Released {len(released)} order(s){': ' + ', '.join(released) if released else ''}")
