"""The board's reports on the money books: sales by member, product class and month, the share of Yogyakarta /
the rest of Indonesia / export, fee income by month and dues arrears. Each report is a table (label, numbers)
with an inline SVG bar chart and a CSV download; all of them together are a fixed number of queries, whatever
the number of members or postings."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from common.cells import escape_cell
from inventory.models import Member

from . import ledger
from .models import Leg

YOGYAKARTA, INDONESIA, EXPORT, UNKNOWN = "yogyakarta", "indonesia", "export", "unknown"
REGION_LABELS = {
    YOGYAKARTA: gettext_lazy("Yogyakarta"),
    INDONESIA: gettext_lazy("Rest of Indonesia"),
    EXPORT: gettext_lazy("Export"),
    UNKNOWN: gettext_lazy("No shipping address"),
}
YOGYAKARTA_PROVINCES = {"di yogyakarta", "d.i. yogyakarta", "daerah istimewa yogyakarta"}


def region_of(country: str | None, state: str | None, postcode: str | None) -> str:
    """Where an order went: abroad (country not ID), the Special Region of Yogyakarta (province DI Yogyakarta or
    a postcode starting 55) or the rest of Indonesia."""
    if not country:
        return UNKNOWN
    if country.upper() != "ID":
        return EXPORT
    if " ".join((state or "").lower().split()) in YOGYAKARTA_PROVINCES or (postcode or "").strip().startswith("55"):
        return YOGYAKARTA
    return INDONESIA


@dataclass
class Report:
    name: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart_column: int = 1  # which column the bars show (its absolute value)

    def svg(self) -> SafeString:
        return bar_chart([(str(row[0]), int(row[self.chart_column])) for row in self.rows], title=self.title)

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([escape_cell(c) for c in self.columns])
        for row in self.rows:
            writer.writerow([c if isinstance(c, int | Decimal) else escape_cell(c) for c in row])
        return out.getvalue()


BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 18, 6, 180, 320, 120


def bar_chart(
    items: list[tuple[str, int | Decimal]], *, title: str = "", value_text: Callable = ledger.format_rupiah
) -> SafeString:
    """A horizontal bar chart as inline SVG (no script): one bar per item, as long as its share of the largest
    absolute value; negative values are drawn in red. Values are rupiah unless ``value_text`` words them."""
    if not items:
        return SafeString("")
    largest = max(abs(v) for _l, v in items) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text></g>',
        (
            (
                LABEL_WIDTH - 6,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 5,
                label[:28],
                LABEL_WIDTH,
                GAP + i * (BAR_HEIGHT + GAP),
                max(1, round(BAR_WIDTH * abs(value) / largest)) if value else 0,
                BAR_HEIGHT,
                "#a4161a" if value < 0 else "#2b6cb0",
                label,
                value_text(value),
                LABEL_WIDTH + (round(BAR_WIDTH * abs(value) / largest) if value else 0) + 6,
                GAP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 5,
                value_text(value),
            )
            for i, (label, value) in enumerate(items)
        ),
    )
    return format_html(
        '<svg class="books-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" '
        'height="{}" viewBox="0 0 {} {}">{}</svg>',
        title,
        width,
        height,
        width,
        height,
        bars,
    )


def _sale_rows():
    """One row per sale leg credited to a member: member, booked month, product class, order number, ship-to."""
    return list(
        Leg.objects.filter(posting__kind="sale", account__member__isnull=False)
        .annotate(
            product_class=Coalesce(
                "posting__order_line__product__product_class__name",
                "posting__order_line__product__parent__product_class__name",
            )
        )
        .values_list(
            "account__member_id",
            "posting__month",
            "product_class",
            "posting__reference",
            "posting__order_line__order__number",
            "posting__order_line__order__shipping_address__country_id",
            "posting__order_line__order__shipping_address__state",
            "posting__order_line__order__shipping_address__postcode",
            "amount",
        )
    )


def _addresses_by_number(numbers: set[str]) -> dict[str, tuple]:
    """Ship-to of orders named only by a sale posting's reference (a posting without its order line)."""
    if not numbers:
        return {}
    Order = apps.get_model("order", "Order")
    return {
        number: (country, state, postcode)
        for number, country, state, postcode in Order.objects.filter(number__in=numbers).values_list(
            "number", "shipping_address__country_id", "shipping_address__state", "shipping_address__postcode"
        )
    }


def _add(totals: dict, key, amount: int) -> None:
    totals[key] = totals.get(key, 0) + amount


def build() -> dict[str, Report]:
    """Every report by name, in the order the page shows them."""
    sales = _sale_rows()
    by_member: dict[int, int] = {}
    by_class: dict[str, int] = {}
    by_month: dict[datetime.date, int] = {}
    by_region: dict[str, int] = {}
    orders_by_region: dict[str, set] = {}
    missing = {
        reference.split(" / ", 1)[0].strip()
        for _m, _mo, _c, reference, number, *_rest in sales
        if number is None and reference
    }
    addresses = _addresses_by_number(missing)
    for member_id, month, product_class, reference, number, country, state, postcode, amount in sales:
        amount = int(amount)
        _add(by_member, member_id, amount)
        _add(by_class, product_class or "", amount)
        _add(by_month, month, amount)
        if number is None:
            number = reference.split(" / ", 1)[0].strip()
            country, state, postcode = addresses.get(number, (None, None, None))
        region = region_of(country, state, postcode)
        _add(by_region, region, amount)
        orders_by_region.setdefault(region, set()).add(number)

    fees = dict(
        Leg.objects.filter(account__code=ledger.FEES)
        .values("posting__month")
        .annotate(total=Sum("amount"))
        .values_list("posting__month", "total")
    )
    arrears = {
        row["account__member_id"]: row
        for row in Leg.objects.filter(account__member__isnull=False)
        .values("account__member_id")
        .annotate(
            balance=Sum("amount"),
            dues=Sum("amount", filter=Q(posting__kind="dues")),
            dues_months=Count("posting__month", filter=Q(posting__kind="dues"), distinct=True),
        )
        .filter(balance__lt=0, dues__isnull=False)
    }
    members = {m.pk: m for m in Member.objects.filter(pk__in=set(by_member) | set(arrears)).select_related("partner")}

    def member_cells(member_id):
        member = members[member_id]
        return [member.code, member.partner.name]

    total_sales = sum(by_member.values())
    reports = [
        Report(
            "members",
            gettext("Sales by member"),
            [gettext("Member"), gettext("Name"), gettext("Sales (Rp)"), gettext("Share (%)")],
            [
                [*member_cells(mid), total, _percent(total, total_sales)]
                for mid, total in sorted(by_member.items(), key=lambda kv: (-kv[1], members[kv[0]].code))
            ],
            chart_column=2,
        ),
        Report(
            "classes",
            gettext("Sales by product class"),
            [gettext("Product class"), gettext("Sales (Rp)"), gettext("Share (%)")],
            [
                [name or gettext("No product class"), total, _percent(total, total_sales)]
                for name, total in sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        ),
        Report(
            "months",
            gettext("Sales by month"),
            [gettext("Month"), gettext("Sales (Rp)")],
            [[ledger.month_label(month), total] for month, total in sorted(by_month.items())],
        ),
        Report(
            "regions",
            gettext("Sales by destination"),
            [gettext("Destination"), gettext("Sales (Rp)"), gettext("Orders"), gettext("Share (%)")],
            [
                [
                    str(REGION_LABELS[region]),
                    by_region.get(region, 0),
                    len(orders_by_region.get(region, ())),
                    _percent(by_region.get(region, 0), total_sales),
                ]
                for region in (YOGYAKARTA, INDONESIA, EXPORT, UNKNOWN)
                if region != UNKNOWN or region in by_region
            ],
        ),
        Report(
            "fees",
            gettext("Fee income by month"),
            [gettext("Month"), gettext("Fee income (Rp)")],
            [[ledger.month_label(month), int(total)] for month, total in sorted(fees.items())],
        ),
        Report(
            "arrears",
            gettext("Dues arrears"),
            [
                gettext("Member"),
                gettext("Name"),
                gettext("Balance (Rp)"),
                gettext("Dues charged (Rp)"),
                gettext("Months"),
            ],
            [
                [*member_cells(mid), int(row["balance"]), -int(row["dues"]), int(row["dues_months"])]
                for mid, row in sorted(arrears.items(), key=lambda kv: (kv[1]["balance"], members[kv[0]].code))
            ],
            chart_column=2,
        ),
    ]
    return {report.name: report for report in reports}


def _percent(part: int, whole: int) -> str:
    """A share with one decimal, as text (so the CSV keeps it exact)."""
    if not whole:
        return "0.0"
    return f"{round(part * 1000 / whole) / 10:.1f}"
