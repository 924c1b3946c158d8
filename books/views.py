"""Pages of the money books. Thin: the access decorators decide who may see what (a member its own statement,
the board everything, staff the payout files), forms check input, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import access, board_or_staff_view, board_view
from common.errors import Refusal
from common.roles import is_board, is_staff
from inventory.access import member_view
from inventory.models import Member

from . import ledger, reports, selectors, services
from .forms import BankAccountForm, BooksSettingsForm, FeeRateForm, MarkPaidForm, MonthCloseForm, saved_or_refused
from .models import BankAccount, BooksSettings, FeeRate, PayoutRun

staff_view = access(is_staff)


def _workspace(request, template, ws, **context):
    if ws.board and not ws.can_write:
        context["ws_members"] = Member.objects.select_related("partner").order_by("code")
    return render(request, template, {"ws": ws, "member": ws.member, "tab": "books", **context})


@member_view()
def statement(request, ws):
    today = timezone.localdate()
    try:
        month = ledger.parse_month(request.GET["month"]) if request.GET.get("month") else ledger.month_start(today)
    except ledger.BooksError:
        month = ledger.month_start(today)
        messages.error(request, _("Write the month as YYYY-MM, e.g. 2026-01."))
    months = [ledger.month_start(today)]
    while len(months) < 12:
        months.append(ledger.month_start(months[-1] - timezone.timedelta(days=1)))
    return _workspace(
        request,
        "books/statement.html",
        ws,
        statement=selectors.statement(ws.member, month),
        months=months,
        previous=ledger.month_start(month - timezone.timedelta(days=1)),
        following=ledger.next_month(month),
        is_current=month == ledger.month_start(today),
    )


@member_view()
def statement_pdf(request, ws):
    """The month's statement as a PDF download, in the reader's language (the same access as the page)."""
    from .pdf import statement_pdf as render_pdf  # fpdf2 loaded only when a PDF is asked for

    try:
        month = ledger.parse_month(request.GET.get("month") or "")
    except ledger.BooksError:
        month = ledger.month_start(timezone.localdate())
    response = HttpResponse(render_pdf(selectors.statement(ws.member, month)), content_type="application/pdf")
    filename = f"guyub-{ws.member.code}-{ledger.month_label(month)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_view()
def bank_account(request, ws):
    form = BankAccountForm(request.POST or None)
    if request.method == "POST":
        if not ws.can_write:
            return HttpResponse(status=403)
        done = saved_or_refused(
            request,
            form,
            lambda data: services.bank_account_request(member=ws.member, user=request.user, **data),
            lambda _account: redirect("books:bank-account", code=ws.member.code),
            _("Saved. The board confirms a new bank account before payouts use it."),
        )
        if done:
            return done
    return _workspace(request, "books/bank_account.html", ws, form=form, accounts=selectors.bank_accounts_of(ws.member))


# --- The board -------------------------------------------------------------------------------------


def _board_page(request, status=200, **forms):
    rules = BooksSettings.current()
    context = {
        "close_form": MonthCloseForm(),
        "fee_form": FeeRateForm(),
        "rules_form": BooksSettingsForm(
            initial={
                "monthly_dues": rules.monthly_dues,
                "payout_minimum": rules.payout_minimum,
                "pool_share_percent": rules.pool_share_percent,
            }
        ),
        "closed": selectors.closed_months()[:12],
        "open_month": selectors.open_month(timezone.localdate()),
        "fees": FeeRate.objects.select_related("product_class")[:30],
        "pending": selectors.pending_bank_accounts(),
        "trial": selectors.trial_balance(),
        **forms,
    }
    return render(request, "books/board.html", context, status=status)


@board_view
def board(request):
    return _board_page(request)


def _board_post(request, form_name, form, run):
    done = saved_or_refused(request, form, run, lambda _result: redirect("books:board"))
    return done or _board_page(request, status=400, **{form_name: form})


@board_view
@require_POST
def month_close(request):
    return _board_post(
        request,
        "close_form",
        MonthCloseForm(request.POST),
        lambda data: services.month_close(month=data["month"], user=request.user),
    )


@board_view
@require_POST
def fee_add(request):
    return _board_post(
        request, "fee_form", FeeRateForm(request.POST), lambda data: services.fee_rate_add(user=request.user, **data)
    )


@board_view
@require_POST
def rules_update(request):
    return _board_post(
        request,
        "rules_form",
        BooksSettingsForm(request.POST),
        lambda data: services.books_settings_update(user=request.user, **data),
    )


@board_view
@require_POST
def bank_decide(request, pk):
    row = get_object_or_404(BankAccount, pk=pk)
    try:
        services.bank_account_decide(
            bank_account=row, confirm=request.POST.get("decision") == "confirm", user=request.user
        )
    except Refusal as error:
        messages.error(request, " ".join(error.messages))
    return redirect("books:board")


@board_or_staff_view
def board_reports(request):
    """The board's reports (staff read them too): tables with a bar chart each; ``?format=csv&report=<name>``
    downloads one as CSV."""
    built = reports.build()
    if request.GET.get("format") == "csv":
        report = built.get(request.GET.get("report", ""))
        if report is None:
            raise Http404
        response = HttpResponse(report.csv(), content_type="text/csv; charset=utf-8")
        filename = f"guyub-{report.name}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # The fairness report reads the pool's work orders, so it lives in the pool (linked by URL name only).
    context = {"reports": list(built.values()), "can_read_fairness": is_board(request.user)}
    return render(request, "books/reports.html", context)


# --- Payouts ---------------------------------------------------------------------------------------


@board_or_staff_view
def payouts(request):
    return render(
        request,
        "books/payouts.html",
        {
            "runs": PayoutRun.objects.select_related("created_by", "approved_by")[:24],
            "candidates": selectors.payout_candidates(),
            "owing": selectors.members_owing(),
            "minimum": BooksSettings.current().payout_minimum,
            "can_make": is_board(request.user),
        },
    )


@board_view
@require_POST
def payout_create(request):
    try:
        run = services.payout_run_create(user=request.user)
    except Refusal as error:
        messages.error(request, " ".join(error.messages))
        return redirect("books:payouts")
    return redirect("books:payout", pk=run.pk)


@board_or_staff_view
def payout_detail(request, pk, form=None, status=200):
    run = get_object_or_404(PayoutRun.objects.select_related("created_by", "approved_by", "paid_by"), pk=pk)
    lines = list(run.lines.select_related("member__partner"))
    return render(
        request,
        "books/payout.html",
        {
            "run": run,
            "lines": lines,
            "total": sum(line.amount for line in lines),
            "form": form or MarkPaidForm(),
            "can_approve": is_board(request.user) and run.created_by_id != request.user.pk,
            "can_export": is_staff(request.user),
        },
        status=status,
    )


@board_view
@require_POST
def payout_approve(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk)
    try:
        services.payout_run_approve(run=run, user=request.user)
    except Refusal as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Approved: staff can now export the transfer file."))
    return redirect("books:payout", pk=pk)


@staff_view
def payout_export(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk)
    try:
        text = services.payout_run_export(run=run, user=request.user)
    except Refusal as error:
        messages.error(request, " ".join(error.messages))
        return redirect("books:payout", pk=pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guyub-payout-{run.pk}.csv"'
    return response


@staff_view
@require_POST
def payout_paid(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk)
    form = MarkPaidForm(request.POST)
    done = saved_or_refused(
        request,
        form,
        lambda data: services.payout_run_mark_paid(run=run, user=request.user, **data),
        lambda _run: redirect("books:payout", pk=pk),
        _("Marked paid: the members' balances went down by what was sent."),
    )
    return done or payout_detail.__wrapped__(request, pk, form=form, status=400)
