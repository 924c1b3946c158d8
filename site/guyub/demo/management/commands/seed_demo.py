"""`manage.py seed_demo [--scale N | --workshops W --products P]`: the demo cooperative, idempotently."""

from django.core.management.base import BaseCommand, CommandError

from guyub.demo import data
from guyub.demo.seed import seed_demo

LOGINS = [
    ("board", "board1@guyub.example"),
    ("board", "board2@guyub.example"),
    ("board", "board3@guyub.example"),
    ("artisan (m01)", "artisan01@guyub.example"),
    ("artisan (m02)", "artisan02@guyub.example"),
    ("staff", "staff@guyub.example"),
    ("buyer", "buyer1@guyub.example"),
]


class Command(BaseCommand):
    help = "Load the demo cooperative (33 workshops, 41 products with variants). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="multiply workshops and products by N")
        parser.add_argument("--workshops", type=int, help="number of member workshops (overrides --scale)")
        parser.add_argument("--products", type=int, help="number of parent products (overrides --scale)")
        parser.add_argument("--no-images", action="store_true", help="skip drawing product images")

    def handle(self, *args, scale, workshops, products, no_images, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        workshops = workshops or 33 * scale
        products = products or 41 * scale
        if workshops < 5 or products < 1:
            raise CommandError("--workshops must be at least 5 (one per product class) and --products at least 1")
        report = seed_demo(workshops=workshops, products=products, images=not no_images)
        created = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items())) or "nothing new"
        self.stdout.write(f"Demo cooperative ready ({created}).")
        self.stdout.write(f"Demo logins (password: {data.PASSWORD}):")
        for role, email in LOGINS:
            self.stdout.write(f"  {role:<14} {email}")
