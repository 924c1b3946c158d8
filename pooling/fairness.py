"""Does the money follow the work? The board's fairness report: for a period of whole months, each member's share
of the units made through the pool (work orders made in the period, set against its capacity) next to its share of
the trade earnings the money books booked in those months, and the ratio of the two (earning share / load share:
1.00 when a member's share of the money equals its share of the work). The top and bottom of that ranking are what
the board looks at.

It lives in the pool because it reads work orders; the earnings come from ``books.selectors.trade_earnings`` (the
books may not import the pool). Three queries, whatever the number of members.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from books import ledger as books_ledger, selectors as books_selectors
from books.reports import Report, bar_chart
from common.errors import Refusal
from inventory.models import Member

from .models import WorkOrder

MAX_MONTHS = 24  # a longer period is a different question (and a slower page)
DEFAULT_MONTHS = 3
TOP = 5  # members shown at each end of the ranking
MADE = (WorkOrder.State.MADE, WorkOrder.State.HANDED_OVER)


@dataclass(frozen=True)
class Period:
    first: datetime.date  # first day of the first month
    last: datetime.date  # first day of the last month (inclusive)

    @property
    def end(self) -> datetime.date:
        """The day after the period."""
        return books_ledger.next_month(self.last)

    @property
    def label(self) -> str:
        first, last = books_ledger.month_label(self.first), books_ledger.month_label(self.last)
        return first if first == last else f"{first} – {last}"


def _month(text: str | None, field: str, message: str) -> datetime.date:
    try:
        return books_ledger.parse_month((text or "").strip()[:10], field=field)
    except books_ledger.BooksError:
        raise Refusal(message, field=field) from None


def period(*, start: str | None, end: str | None, today: datetime.date) -> Period:
    """The months asked for (``YYYY-MM``, both inclusive); by default the last three up to this month. Refuses,
    naming the field, a month not written YYYY-MM, a period that starts or ends after this month or ends before
    it starts, or one longer than two years."""
    this_month = books_ledger.month_start(today)
    last = (
        _month(end, "end", gettext("Write the last month as YYYY-MM, e.g. 2026-03."))
        if (end or "").strip()
        else this_month
    )
    if (start or "").strip():
        first = _month(start, "start", gettext("Write the first month as YYYY-MM, e.g. 2026-01."))
    else:
        first = last
        for _ in range(DEFAULT_MONTHS - 1):
            first = books_ledger.month_start(first - datetime.timedelta(days=1))
    if last > this_month:
        raise Refusal(gettext("The period cannot end after this month."), field="end")
    if first > this_month:
        raise Refusal(gettext("The period cannot start after this month."), field="start")
    if last < first:
        raise Refusal(gettext("The last month cannot be before the first month."), field="end")
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months > MAX_MONTHS:
        raise Refusal(gettext("A period is at most %(months)s months.") % {"months": MAX_MONTHS}, field="start")
    return Period(first, last)


def _share(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal (None when there is no whole to share)."""
    if whole <= 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    member: Member
    units: int  # made through the pool in the period
    capacity: int  # the workshop's weekly capacity over the days of the period it was a member
    earnings: int  # net trade earnings booked in the period, rupiah
    load_share: Decimal | None  # % of all units made
    earning_share: Decimal | None  # % of all members' earnings
    ratio: Decimal | None  # earning share / load share; None without units made (or earnings to share)

    @property
    def utilisation(self) -> int | None:
        """Units made as a whole % of capacity."""
        return round(100 * self.units / self.capacity) if self.capacity else None


@dataclass
class Fairness:
    period: Period
    rows: list[Row]  # by ratio, highest first; members without a ratio last, by code
    top: list[Row] = field(default_factory=list)  # highest ratios first
    bottom: list[Row] = field(default_factory=list)  # lowest ratios first
    total_units: int = 0
    total_earnings: int = 0

    def chart(self) -> SafeString:
        """The ratios of the top and bottom members as bars (the value worded as a number, not rupiah)."""
        items = [(f"{row.member.code} {row.member.name}", row.ratio) for row in self.top + self.bottom]
        return bar_chart(items, title=gettext("Earning share / load share"), value_text=lambda v: number_format(v, 2))

    def table(self) -> Report:
        """Every row as a report table (its CSV is the download)."""
        top, bottom = {r.member.pk for r in self.top}, {r.member.pk for r in self.bottom}
        return Report(
            "fairness",
            gettext("Earnings by share of load"),
            [
                gettext("Member"),
                gettext("Name"),
                gettext("Units made"),
                gettext("Capacity (units)"),
                gettext("Load of capacity (%)"),
                gettext("Share of units (%)"),
                gettext("Earnings (Rp)"),
                gettext("Share of earnings (%)"),
                gettext("Earning share / load share"),
                gettext("Group"),
            ],
            [
                [
                    row.member.code,
                    row.member.name,
                    row.units,
                    row.capacity,
                    "" if row.utilisation is None else row.utilisation,
                    "" if row.load_share is None else row.load_share,
                    row.earnings,
                    "" if row.earning_share is None else row.earning_share,
                    "" if row.ratio is None else row.ratio,
                    gettext("Top") if row.member.pk in top else gettext("Bottom") if row.member.pk in bottom else "",
                ]
                for row in self.rows
            ],
        )


def _capacity(member: Member, period: Period) -> int:
    """Weekly capacity × the weeks (days / 7, rounded) of the period the workshop was a member."""
    days = (period.end - max(period.first, member.joined or period.first)).days
    return max(0, (member.weekly_capacity * days * 2 + 7) // 14)


def _units_made(period: Period) -> dict[int, int]:
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(period.first, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(period.end, datetime.time.min, tzinfo=tz)
    rows = (
        WorkOrder.objects.filter(state__in=MADE, made_at__gte=since, made_at__lt=until)
        .values("member_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["member_id"]: int(row["units"]) for row in rows}


def build(period: Period, *, top: int = TOP) -> Fairness:
    """Every member of the period (active, or with work or earnings in it), ranked by the ratio; ``top``
    members at each end (fewer when there are few: never the same member at both ends)."""
    units = _units_made(period)
    earnings = books_selectors.trade_earnings(period.first, period.last)
    members = Member.objects.filter(
        Q(status=Member.Status.ACTIVE, joined__lt=period.end) | Q(pk__in=set(units) | set(earnings))
    ).select_related("partner")
    total_units, total_earnings = sum(units.values()), sum(earnings.values())
    rows = []
    for member in members:
        made, earned = units.get(member.pk, 0), earnings.get(member.pk, 0)
        ratio = None
        if made and total_earnings > 0:
            ratio = (Decimal(earned * total_units) / Decimal(made * total_earnings)).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        rows.append(
            Row(
                member=member,
                units=made,
                capacity=_capacity(member, period),
                earnings=earned,
                load_share=_share(made, total_units),
                earning_share=_share(earned, total_earnings),
                ratio=ratio,
            )
        )
    rows.sort(key=lambda r: (r.ratio is None, -(r.ratio or 0), r.member.code))
    ranked = [r for r in rows if r.ratio is not None]
    size = min(max(0, top), len(ranked) // 2)
    return Fairness(
        period=period,
        rows=rows,
        top=ranked[:size],
        bottom=ranked[::-1][:size],
        total_units=total_units,
        total_earnings=total_earnings,
    )
