"""Pages of simpan-pinjam. Thin: the access decorators decide who may see what (a member its own passbook, the
board everything, the treasurer records money), forms check input, services write, selectors read."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from books.forms import add_refusal, saved_or_refused
from common.access import access, board_view
from common.errors import Refusal
from common.roles import is_board, is_treasurer
from inventory.access import member_view
from inventory.models import Member

from . import selectors, services
from .forms import (
    DepositForm,
    DisburseForm,
    GroupForm,
    LoanForm,
    ProductForm,
    RepayForm,
    RuleForm,
    ShuForm,
    WithdrawForm,
)
from .models import Channel, Group, Loan, LoanProduct, SavingsRule, ShuRun

treasurer_view = access(is_treasurer)


def _key():
    return uuid.uuid4().hex


@member_view()
def passbook(request, ws):
    context = {"ws": ws, "member": ws.member, "tab": "savings", "book": selectors.passbook(ws.member)}
    if ws.board and not ws.can_write:
        context["ws_members"] = Member.objects.select_related("partner").order_by("code")
    return render(request, "savings/passbook.html", context)


@member_view()
def member_loans(request, ws):
    """A member's own loans: each schedule, arrears, what is due at the next meeting, and why it may not borrow
    (the member its own; the board any member's)."""
    context = {"ws": ws, "member": ws.member, "tab": "savings", "view": selectors.member_loans(ws.member)}
    if ws.board and not ws.can_write:
        context["ws_members"] = Member.objects.select_related("partner").order_by("code")
    return render(request, "savings/member_loans.html", context)


@board_view
def board(request):
    today = timezone.localdate()
    loans = selectors.running_loans(today)  # the arrears and their ageing read the same loans
    return render(
        request,
        "savings/board.html",
        {
            "arrears": selectors.arrears(today, loans=loans),
            "ageing": selectors.ageing(today, loans=loans),
            "waiting": Loan.objects.filter(status__in=[Loan.Status.APPLIED, Loan.Status.APPROVED]).select_related(
                "group", "product"
            ),
            "is_treasurer": is_treasurer(request.user),
            "tab": "board",
        },
    )


def _form_page(request, form, run, then, template: str, context: dict):
    """A page with one form: a valid post runs the service and answers ``then(result)`` (the redirect); a refused
    or invalid one renders the page again with the form's errors, status 400."""
    if request.method == "POST":
        done = saved_or_refused(request, form, run, then)
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def _money_form(request, form_class, service, fields, title):
    """A treasurer's money form: ``service`` gets the named ``fields`` of the valid form, keyed by the form's key
    (a second click posts nothing)."""
    form = form_class(request.POST or None, initial={"key": _key()})

    def run(data):
        given = {name: data[name] for name in fields}
        return service(**given, idempotency_key=f"savings:form:{data['key']}", user=request.user)

    return _form_page(
        request,
        form,
        run,
        lambda line: redirect("savings:passbook", code=line.member.code),
        "savings/form.html",
        {"title": title, "tab": "money"},
    )


@treasurer_view
def deposit(request):
    fields = ("member", "kind", "amount", "channel", "member_agreed")
    return _money_form(request, DepositForm, services.deposit, fields, _("Record a deposit"))


@treasurer_view
def withdraw(request):
    fields = ("member", "amount", "channel")
    return _money_form(request, WithdrawForm, services.withdraw, fields, _("Withdraw simpanan sukarela"))


@board_view
def rules_page(request):
    rule_form = RuleForm(request.POST if "rule" in request.POST else None)
    product_form = ProductForm(request.POST if "product" in request.POST else None)
    form, run = (
        (rule_form, lambda d: services.rule_add(user=request.user, **d))
        if "rule" in request.POST
        else (product_form, lambda d: services.product_add(user=request.user, **d))
    )
    context = {
        "rules": SavingsRule.objects.all(),
        "products": LoanProduct.objects.all(),
        "rule_form": rule_form,
        "product_form": product_form,
        "tab": "rules",
    }
    return _form_page(request, form, run, lambda _row: redirect("savings:rules"), "savings/rules.html", context)


@board_view
def groups(request):
    form = GroupForm(request.POST or None)
    rows = Group.objects.select_related("leader__partner").prefetch_related("members")
    return _form_page(
        request,
        form,
        lambda data: services.group_create(user=request.user, **data),
        lambda _group: redirect("savings:groups"),
        "savings/groups.html",
        {"groups": rows, "tab": "groups"},
    )


@board_view
def loans(request):
    form = LoanForm(request.POST or None)
    rows = Loan.objects.select_related("group", "product").prefetch_related("shares__member")[:100]
    return _form_page(
        request,
        form,
        lambda data: services.loan_apply(user=request.user, **data),
        lambda loan: redirect("savings:loan", reference=loan.reference),
        "savings/loans.html",
        {"loans": rows, "tab": "loans"},
    )


@board_view
def loan_detail(request, reference):
    loan = get_object_or_404(
        Loan.objects.select_related("group", "product", "applied_by", "stock_from__partner"), reference=reference
    )
    today = timezone.localdate()
    repay_form = RepayForm(request.POST if "repay" in request.POST else None, initial={"key": _key()})
    repay_form.fields["member"].queryset = Member.objects.filter(loan_shares__loan=loan).select_related("partner")
    disburse_form = DisburseForm(request.POST if "disburse" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                services.loan_approve(loan=loan, user=request.user)
            elif "refuse" in request.POST:
                services.loan_refuse(loan=loan, user=request.user)
            elif "disburse" in request.POST:
                channel = ""  # a loan in kind moves materials, no money
                if not loan.product.in_kind:
                    if not disburse_form.is_valid():
                        raise Refusal(_("Choose how the money moves."), field="channel")
                    channel = disburse_form.cleaned_data["channel"]
                services.loan_disburse(loan=loan, channel=channel, user=request.user)
            elif "repay" in request.POST:
                if not repay_form.is_valid():
                    raise Refusal(_("Check the repayment."), field=None)
                data = repay_form.cleaned_data
                services.repay(
                    share=loan.shares.get(member=data["member"]),
                    amount=data["amount"],
                    channel=data["channel"],
                    early=data["early"],
                    idempotency_key=f"credit:form:{data['key']}",
                    user=request.user,
                )
            else:
                raise Http404
        except Refusal as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("savings:loan", reference=loan.reference)
    shares = [selectors.share_view(s, today) for s in selectors._shares(loan=loan)]
    return render(
        request,
        "savings/loan.html",
        {
            "loan": loan,
            "shares": shares,
            "pending_shares": loan.shares.select_related("member__partner"),
            "fundings": loan.fundings.select_related("funder__partner"),
            "package": loan.package.select_related("material"),
            "approvers": loan.approved_by.all(),
            "early": {v.share.member.code: services.early_amount(v.share, today) for v in shares},
            "repay_form": repay_form,
            "disburse_form": disburse_form,
            "is_treasurer": is_treasurer(request.user),
            "is_board": is_board(request.user),
            "tab": "loans",
        },
        status=status,
    )


def _sheet_date(request) -> tuple[datetime.date, bool]:
    """The sheet's date and whether the one asked for was taken (a refused one shows the coming meeting's)."""
    text = request.GET.get("date") or request.POST.get("date")
    today = timezone.localdate()
    if text:
        try:
            on = datetime.date.fromisoformat(text)
        except ValueError:
            messages.error(request, _("Write the date as YYYY-MM-DD."))
        else:
            # bounded: the sheet walks every month from a member's joining to the date (year 9999 overflowed)
            if selectors.sheet_date_allowed(on, today=today):
                return on, True
            messages.error(request, _("Choose a meeting date from 2000 to a year from today."))
    return (today.replace(day=12) if today.day <= 12 else today), not text


@board_view
def collection(request):
    """The collection sheet: what each member owes at the meeting, entered in one screen, posted at once."""
    on, date_taken = _sheet_date(request)
    rows = selectors.collection_sheet(on)
    status = 200
    if request.method == "POST" and not date_taken:  # never post a sheet on another day than the one entered
        status = 400
    elif request.method == "POST":
        entries = []
        for row in rows:
            for item in row.items:
                name = f"{row.member.code}-{item.kind}-{item.reference}"
                raw = (request.POST.get(name) or "").strip().replace(".", "")
                if not raw:
                    continue
                covered = ()
                if request.POST.get(f"{name}-group") and row.group is not None:
                    covered = tuple(m for m in row.group.members.all() if m.pk != row.member.pk)
                entries.append(services.Collected(row.member, item.kind, item.reference, raw, covered))
        try:
            done = services.collection_post(
                on=on,
                entries=entries,
                channel=request.POST.get("channel") or Channel.CASH,
                idempotency_key=f"sheet:{request.POST.get('key') or _key()}",
                user=request.user,
            )
        except Refusal as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(request, _("%(count)s payments posted.") % {"count": len(done)})
            return redirect(f"{request.path}?date={on.isoformat()}")
    return render(
        request,
        "savings/collection.html",
        {
            "on": on,
            "rows": rows,
            "total": sum(r.due for r in rows),
            "key": _key(),
            "channels": Channel.choices,
            "is_treasurer": is_treasurer(request.user),
            "posted": request.POST if status == 400 else {},
            "tab": "collection",
        },
        status=status,
    )


@board_view
def shu(request):
    """The year's SHU: one board member enters the surplus and the split, another approves the table."""
    form = ShuForm(request.POST if "prepare" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "approve" in request.POST:
                run = get_object_or_404(ShuRun, pk=request.POST.get("run"))
                services.shu_approve(run=run, user=request.user)
            elif form.is_valid():
                services.shu_prepare(user=request.user, **form.cleaned_data)
            else:
                raise Refusal(_("Check the form."))
        except Refusal as error:
            add_refusal(form, error)
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("savings:shu")
    runs = ShuRun.objects.select_related("created_by", "approved_by").prefetch_related("lines__member__partner")
    return render(request, "savings/shu.html", {"runs": runs[:5], "form": form, "tab": "shu"}, status=status)
