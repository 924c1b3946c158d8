"""``manage.py shipping quote --postcode 60111 --weight 1200 [--country ID] [--province …] --json``

Prints ``{"options": [{"code", "courier", "service", "cost", "days"}]}`` for a parcel of that many grams from
the gallery, cheapest first; "pickup" (cost 0) is always one of them. Other tools read it: keep the shape.
Bad input: the reason on stderr, exit status 2.
"""

import json
import re
import sys

from django.core.management.base import BaseCommand

from catalog.shop.shipping import rates, rules
from catalog.shop.shipping.methods import Pickup

MAX_GRAMS = 1_000_000


class Command(BaseCommand):
    requires_system_checks = []  # a quick tool other programs call
    help = "Shipping quotes from the gallery (the rate table, or the live provider when configured)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        quote = sub.add_parser("quote", help="Courier options and prices for a parcel")
        quote.add_argument("--postcode", required=True)
        quote.add_argument("--weight", required=True, help="grams")
        quote.add_argument("--country", default="ID", help="ISO 3166-1 alpha-2 (default ID)")
        quote.add_argument("--province", default="")
        quote.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, action, **options):
        country = (options["country"] or "").strip().upper()
        postcode = (options["postcode"] or "").strip()
        weight = (options["weight"] or "").strip()
        if not re.fullmatch(r"[A-Z]{2}", country):
            return self._refuse(f"--country {options['country']!r} is not a two-letter country code")
        if country == "ID" and not re.fullmatch(r"\d{5}", postcode):
            return self._refuse(f"--postcode {postcode!r} is not an Indonesian postcode (five digits)")
        if not re.fullmatch(r"\d{1,7}", weight) or not 0 < int(weight) <= MAX_GRAMS:
            return self._refuse(f"--weight {weight!r} is not a whole number of grams from 1 to {MAX_GRAMS}")
        destination = rules.Destination(country=country, postcode=postcode, province=options["province"])
        pickup = Pickup()
        quotes = [rules.Quote(pickup.code, "Guyub", str(pickup.name), 0, pickup.days)]
        quotes += [q for q in rates.quote(destination, int(weight)) if q.code != rules.PICKUP]
        options_ = [q.as_dict() for q in rules.cheapest_first(quotes)]
        if options["json"]:
            self.stdout.write(json.dumps({"options": options_}, ensure_ascii=False))
            return
        for q in options_:
            self.stdout.write(f"{q['code']:<14} {q['courier']:<14} {q['service']:<24} Rp {q['cost']:>9,} {q['days']}")

    def _refuse(self, reason: str):
        sys.stderr.write(f"shipping: {reason}\n")
        sys.exit(2)
