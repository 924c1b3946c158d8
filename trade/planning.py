"""The dry-run plan from the database: a request (wanted date, SKU lines) checked, one engine instance built
by ``pooling.routing.build_lines`` over the members' skills, capacity and current load, solved by ``plan.plan``.
Reads only: the load ledger, routing requests and work orders are untouched until a quote is accepted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from oscar.core.loading import get_model

from inventory import ledger
from inventory.selectors import current_week
from pooling import routing
from pooling.models import RoutingSettings

from . import plan as rules

Product = get_model("catalogue", "Product")

MAX_UNITS = 100_000  # per line: far above any trade order, below anything that could overflow a week's ledger
HORIZON_WEEKS = RoutingSettings.HORIZON_WEEKS * 3  # the plan looks further ahead than the shop's promise


class PlanRequestError(ValueError):
    """A request the plan refuses; the message starts with the field's path (``lines[2].sku: …``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Wanted:
    product: object
    quantity: int


def parse_request(data) -> tuple[datetime.date, list[Wanted]]:
    """The command line's request ``{"wanted": "YYYY-MM-DD", "lines": [{"sku", "quantity"}]}``, checked whole
    before anything is read further: an unknown SKU, a parent product, a repeated SKU or a quantity that is not
    a whole number from 1 to 100,000 is refused with the field's path."""
    if not isinstance(data, dict):
        raise PlanRequestError("request", gettext("expected a JSON object"))
    raw = data.get("wanted")
    try:
        wanted = datetime.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        wanted = None
    if wanted is None:
        raise PlanRequestError("wanted", gettext("expected a date written YYYY-MM-DD"))
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise PlanRequestError("lines", gettext("expected a list of at least one line"))
    pairs = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise PlanRequestError(f"lines[{i}]", gettext("expected an object with sku and quantity"))
        sku, quantity = line.get("sku"), line.get("quantity")
        if not isinstance(sku, str) or not sku.strip():
            raise PlanRequestError(f"lines[{i}].sku", gettext("expected a SKU"))
        pairs.append((i, sku.strip(), check_quantity(quantity, f"lines[{i}].quantity")))
    return wanted, resolve(pairs)


def check_quantity(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_UNITS:
        raise PlanRequestError(
            field, gettext("expected a whole number of units from 1 to %(max)s") % {"max": f"{MAX_UNITS:,}"}
        )
    return value


def products_by_sku(skus) -> dict:
    return {
        p.upc: p
        for p in Product.objects.filter(upc__in={s for s in skus if s}).select_related(
            "product_class", "parent__product_class"
        )
    }


def sku_problem(product, sku: str) -> str | None:
    if product is None:
        return gettext("no product has the SKU “%(sku)s”") % {"sku": sku}
    if product.is_parent:
        return gettext("“%(sku)s” has variants: name a variant's SKU") % {"sku": sku}
    if product.get_product_class() is None:
        return gettext("“%(sku)s” has no product class") % {"sku": sku}
    return None


def resolve(pairs) -> list[Wanted]:
    """(index, sku, quantity) → the products, in one query; refuses unknown, parent and repeated SKUs."""
    products = products_by_sku(sku for _i, sku, _q in pairs)
    seen: dict[str, int] = {}
    out = []
    for i, sku, quantity in pairs:
        product = products.get(sku)
        problem = sku_problem(product, sku)
        if problem:
            raise PlanRequestError(f"lines[{i}].sku", problem)
        if sku in seen:
            raise PlanRequestError(
                f"lines[{i}].sku", gettext("“%(sku)s” is already in lines[%(line)s]") % {"sku": sku, "line": seen[sku]}
            )
        seen[sku] = i
        out.append(Wanted(product, quantity))
    return out


def dry_run(wanted: datetime.date, lines: list[Wanted], *, today: datetime.date | None = None) -> rules.Plan:
    """The plan for ``lines`` by ``wanted`` over the members as they are now. Writes nothing."""
    first = ledger.week_start(today) if today else current_week()
    due = rules.due_index(first, wanted)
    horizon = max(HORIZON_WEEKS, min(due + 1, 52))
    wants = [
        routing.Want(id=w.product.upc, product_class=w.product.get_product_class(), quantity=w.quantity, due_week=due)
        for w in lines
    ]
    built = routing.build_lines(wants, first=first, horizon=horizon)
    return rules.plan(built.instance, first=first, wanted=wanted, skus={w.product.upc: w.quantity for w in lines})
