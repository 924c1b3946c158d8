"""Trade pages (/trade/): thin views over trade.services (writes) and trade.selectors-like reads kept here."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from books.ledger import format_rupiah
from common.access import access
from common.errors import Refusal
from common.roles import is_board, is_board_or_staff
from pooling.models import WorkOrder
from pooling.selectors import order_progress

from . import services
from .models import Quote, QuoteRequest, TradeAccount
from .plan import ready_on
from .services.rfq import MAX_CSV_BYTES

staff_view = access(is_board_or_staff)
signed_in = access()


def _refused(request, exc: Refusal):
    for text in exc.messages:
        messages.error(request, (f"{exc.field}: " if getattr(exc, "field", None) else "") + text)


def _date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _number(text: str) -> bool:
    """Digits ``int()`` takes: isdigit() passes "²", which int() refuses, and int() refuses more than 4,300 digits
    (no key or percentage here needs 19)."""
    return text.isdecimal() and len(text) < 19


def _own_request(request, pk) -> QuoteRequest:
    rfq = get_object_or_404(QuoteRequest.objects.select_related("account__user"), pk=pk)
    if rfq.account.user_id != request.user.pk and not is_board_or_staff(request.user):
        raise PermissionDenied  # a buyer sees only their own requests and quotes
    return rfq


@signed_in
def home(request):
    account = TradeAccount.objects.filter(user=request.user).first()
    if request.method == "POST":
        try:
            services.apply_for_account(
                user=request.user,
                company=request.POST.get("company"),
                contact=request.POST.get("contact"),
                country=request.POST.get("country"),
                tax_number=request.POST.get("tax_number", ""),
            )
        except Refusal as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Thank you: we will look at your application soon."))
            return redirect("trade:home")
    requests = account.requests.all() if account else []
    return render(request, "trade/home.html", {"account": account, "requests": requests})


@signed_in
def new_request(request):
    account = get_object_or_404(TradeAccount, user=request.user, status=TradeAccount.Status.APPROVED)
    if request.method == "POST":
        try:
            upload = request.FILES.get("csv")
            if upload is not None:
                if upload.size > MAX_CSV_BYTES:  # refused before it is read into memory
                    raise Refusal(_("The file is larger than 200 kB."), field="csv")
                lines = services.read_csv(upload.read().decode("utf-8", errors="replace"))
            else:
                lines = services.read_csv(request.POST.get("lines", ""))
            rfq = services.create_request(
                account=account,
                wanted=_date(request.POST.get("wanted")),
                destination=request.POST.get("destination"),
                notes=request.POST.get("notes", ""),
                lines=lines,
            )
        except Refusal as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Your request was sent. We will prepare a quote."))
            return redirect("trade:request", pk=rfq.pk)
    return render(request, "trade/new_request.html", {"form": request.POST})


@signed_in
def request_detail(request, pk):
    rfq = _own_request(request, pk)
    staff = is_board_or_staff(request.user)
    quotes = list(rfq.quotes.prefetch_related("lines__product").order_by("-revision"))
    visible = quotes if staff else [q for q in quotes if q.status != Quote.Status.DRAFT]
    context = {
        "rfq": rfq,
        "quotes": visible,
        "current": visible[0] if visible else None,
        "staff": staff,
        "board": is_board(request.user),
        "lines": rfq.lines.select_related("product"),
        "thread": rfq.messages.select_related("author"),
    }
    if staff:
        context["shipping_estimate"] = services.shipping_estimate(rfq)
    if staff and request.method == "GET" and request.GET.get("plan"):
        context["dry_run"] = services.plan_for(rfq).as_json()
    current = context["current"]
    if current is not None and current.order_id:
        context["progress"] = _progress(current.order)
    return render(request, "trade/request.html", context)


def _progress(order) -> list[dict]:
    """Units ready per product: the order has a line per product and maker, the buyer sees one row a product
    (ready in stock or made; expected when the last maker's week ends, else by the line's due week). Rows are
    by product, not title: two sizes of a sandal may carry the same title, and each shows its SKU."""
    last_weeks = dict(
        WorkOrder.objects.filter(request__order_line__order=order, state__in=WorkOrder.LIVE)
        .values_list("request__order_line__product_id")
        .annotate(last=Max("week"))
    )
    rows: dict = {}
    for line in order_progress(order):
        row = rows.setdefault(
            line.product_id or line.title,
            {"title": line.title, "upc": line.upc, "quantity": 0, "ready": 0, "ready_on": None},
        )
        row["quantity"] += line.quantity
        row["ready"] += line.in_stock + line.ready
        week = last_weeks.get(line.product_id) or line.due_week
        if line.waiting or week is None:  # units no maker has yet: no date to promise
            row["unknown"] = True
        else:
            row["ready_on"] = max(filter(None, [row["ready_on"], ready_on(week)]))
    return [{**row, "ready_on": None if row.get("unknown") else row["ready_on"]} for row in rows.values()]


@require_POST
@signed_in
def post_message(request, pk):
    rfq = _own_request(request, pk)
    try:
        services.post_message(request=rfq, user=request.user, body=request.POST.get("body"))
    except Refusal as exc:
        _refused(request, exc)
    return redirect("trade:request", pk=rfq.pk)


@require_POST
@signed_in
def accept(request, pk):
    quote = get_object_or_404(Quote.objects.select_related("request__account"), pk=pk)
    if quote.request.account.user_id != request.user.pk:
        raise PermissionDenied
    try:
        order = services.accept_quote(quote=quote, user=request.user)
    except Refusal as exc:
        _refused(request, exc)
    else:
        messages.success(request, _accepted_message(order))
    return redirect("trade:request", pk=quote.request_id)


def _accepted_message(order) -> str:
    transfer = getattr(order, "bank_transfer", None)  # none when the quote asked no deposit
    if transfer is not None:
        return _("Thank you: order %(number)s is placed. Please transfer the deposit with reference %(ref)s.") % {
            "number": order.number,
            "ref": transfer.reference,
        }
    return _(
        "Thank you: order %(number)s is placed and goes into production now. There is no deposit: the whole "
        "total of %(total)s is due by bank transfer before shipping; its reference appears on this page when we "
        "ask for it."
    ) % {"number": order.number, "total": format_rupiah(order.total_incl_tax)}


@staff_view
def staff_home(request):
    if request.method == "POST":
        account = get_object_or_404(TradeAccount, pk=request.POST.get("account"))
        try:
            services.decide_account(account=account, by=request.user, approve=request.POST.get("approve") == "1")
        except Refusal as exc:
            _refused(request, exc)
        return redirect("trade:staff")
    return render(
        request,
        "trade/staff.html",
        {
            "accounts": TradeAccount.objects.select_related("user"),
            "requests": QuoteRequest.objects.select_related("account")[:200],
        },
    )


@require_POST
@staff_view
def prepare(request, pk):
    rfq = get_object_or_404(QuoteRequest, pk=pk)
    prices = {
        int(key.removeprefix("price_")): value
        for key, value in request.POST.items()
        if key.startswith("price_") and _number(key.removeprefix("price_")) and value.strip()
    }
    try:
        deposit = request.POST.get("deposit_percent", "30").strip()
        services.prepare_quote(
            request=rfq,
            by=request.user,
            valid_until=_date(request.POST.get("valid_until")),
            deposit_percent=int(deposit) if _number(deposit) else -1,
            packing=request.POST.get("packing") or "0",
            shipping=request.POST.get("shipping", "").strip() or None,  # blank: the rate table's estimate
            notes=request.POST.get("notes", ""),
            prices=prices,
        )
    except Refusal as exc:
        _refused(request, exc)
    return redirect("trade:request", pk=rfq.pk)


@require_POST
@staff_view
def quote_action(request, pk, action):
    quote = get_object_or_404(Quote, pk=pk)
    try:
        if action == "send":
            services.send_quote(quote=quote, by=request.user)
        elif action == "approve":
            services.approve_override(quote=quote, by=request.user)
        elif action == "balance":
            services.request_balance(quote=quote, by=request.user)
        elif action == "balance-paid":
            services.confirm_balance(quote=quote, by=request.user)
        else:
            raise PermissionDenied
    except Refusal as exc:
        _refused(request, exc)
    return redirect("trade:request", pk=quote.request_id)


DOCUMENTS = {"proforma", "invoice", "packing"}


@signed_in
def document(request, pk, kind, pdf=False):
    if kind not in DOCUMENTS:
        raise PermissionDenied
    quote = get_object_or_404(Quote.objects.select_related("request__account", "order"), pk=pk)
    _own_request(request, quote.request_id)
    if kind != "proforma" and quote.order_id is None:
        raise PermissionDenied  # invoices and packing lists exist once the quote became an order
    lines = list(quote.lines.select_related("product", "product__parent", "product__product_class"))
    if pdf:
        from .pdf import document_pdf  # fpdf2 loaded only when a PDF is asked for

        response = HttpResponse(document_pdf(quote, kind, lines), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{kind}-{quote.number}.pdf"'
        return response
    return render(request, "trade/document.html", {"quote": quote, "kind": kind, "lines": lines})
