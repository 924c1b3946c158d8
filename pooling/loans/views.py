"""Material-loan pages (phone-first). Thin: `_loans_view` decides who the user is, forms check input, services
write, selectors read.

Who sees what: a user acting for a workshop sees the loans that workshop is party to (any other loan is a
404, so ids guessed in URLs reveal nothing) and acts on them as lender or borrower; the board sees every
loan read-only and edits the loan settings; buyers and staff without a workshop get 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import access
from common.roles import is_board
from inventory.access import workshops_of
from inventory.models import Material
from pooling.selectors import suggest_lenders

from . import rules, selectors, services
from .forms import ActionForm, LoanRequestForm, LoanSettingsForm, QuantityForm
from .models import LoanSettings
from .services import LoanError


@dataclass
class People:
    members: list  # the workshops the user acts for
    board: bool


def _loans_view(*, members: bool = False, board: bool = False):
    """``members``: the user must act for a workshop; ``board``: must be on the board; neither: either."""

    def people_of(request):
        people = People(list(workshops_of(request.user).select_related("partner")), is_board(request.user))
        allowed = (people.members if members else True) and (people.board if board else True)
        if not allowed or not (people.members or people.board):
            raise PermissionDenied
        return people

    return access(context=people_of)


def _loan_or_404(people: People, pk: int):
    loan = selectors.visible_loan(pk, board=people.board, members=people.members)
    if loan is None:
        raise Http404
    return loan


def _acting_member(people: People, loan):
    for member in people.members:
        if loan.role_of(member):
            return member
    return None


@_loans_view()
def book(request, people):
    """The workshop's lent and borrowed book, with its notices; the board goes to its overview."""
    if not people.members:
        return redirect("loans:board")
    return render(
        request, "loans/book.html", {"book": selectors.member_book(people.members), "people": people, "tab": "book"}
    )


@_loans_view(members=True)
def request_loan(request, people):
    """Ask for a material: "Find lenders" shows the suggestions, each a button that sends the request."""
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("ask"):
        data["lender"] = data["ask"]  # a suggested lender's button
    initial = {"material": request.GET.get("material")} if request.GET.get("material") else {}
    form = LoanRequestForm(data, borrowers=people.members, initial=initial)
    suggestions = None
    if data is not None and form.is_valid():
        d = form.cleaned_data
        until = rules.return_date(d["needed_by"], d["return_by"], LoanSettings.current().default_term_days)
        if "suggest" in data or not d["lender"]:
            suggestions = suggest_lenders(
                borrower=d["borrower"], material=d["material"], quantity=d["quantity"], until=until
            )
            if "suggest" not in data:
                form.add_error("lender", _("Choose a lender: a suggested one or a named member."))
        else:
            try:  # the form's fields are the service's (borrower, lender, material, quantity, dates, note, key)
                loan = services.loan_request(user=request.user, **d)
            except LoanError as error:
                form.add_refusal(error)
            else:
                messages.success(request, _("Your request went to %(lender)s.") % {"lender": loan.lender.name})
                return redirect("loans:detail", pk=loan.pk)
    return render(
        request,
        "loans/request.html",
        {"form": form, "suggestions": suggestions, "people": people, "tab": "request"},
        status=400 if data is not None and form.errors else 200,
    )


def _forms_for(loan, role, bound=None, bound_action=None) -> dict:
    """The action forms the party may use now (the rules decide), the submitted one bound."""
    out = {}
    offered = rules.offered_actions(
        loan.state,
        role,
        handed_over=bool(loan.lender_confirmed_at),
        received=bool(loan.borrower_confirmed_at),
        proposed_by=loan.settlement_proposed_by,
        paid=bool(loan.settlement_paid_at),
    )
    for action in offered:
        if action == bound_action:
            out[action] = bound
        elif action in ("accept", "return"):
            default = loan.requested_quantity if action == "accept" else loan.outstanding
            out[action] = QuantityForm(
                material=loan.material,
                required=action == "return",
                initial={"quantity": loan.material.format(default).split()[0]},
            )
        else:
            out[action] = ActionForm()
    return out


def _detail(request, people, loan, *, bound=None, bound_action=None, status=200):
    member = _acting_member(people, loan)
    role = loan.role_of(member) if member else None
    price = selectors.material_price(loan.material)
    return render(
        request,
        "loans/detail.html",
        {
            "loan": loan,
            "role": role,
            "people": people,
            "forms": _forms_for(loan, role, bound, bound_action) if role else {},
            "events": loan.events.select_related("member", "user"),
            "price": price,
            "settle_amount": rules.settlement_amount(loan.outstanding, price) if price is not None else None,
        },
        status=status,
    )


@_loans_view()
def detail(request, people, pk):
    return _detail(request, people, _loan_or_404(people, pk))


@require_POST
@_loans_view()
def act(request, people, pk, action):
    loan = _loan_or_404(people, pk)
    member = _acting_member(people, loan)
    if member is None or action not in services.ACTIONS:
        raise PermissionDenied  # the board reads loans, it does not act on them
    quantity_action = action in ("accept", "return")
    form = (
        QuantityForm(request.POST, material=loan.material, required=action == "return")
        if quantity_action
        else ActionForm(request.POST)
    )
    if form.is_valid():
        kwargs = {"quantity": form.cleaned_data["quantity"]} if quantity_action else {}
        try:
            done = services.ACTIONS[action](
                loan=loan,
                member=member,
                user=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                **kwargs,
            )
        except LoanError as error:
            form.add_refusal(error)
        else:
            messages.success(request, _("Done: %(state)s.") % {"state": done.get_state_display()})
            return redirect("loans:detail", pk=loan.pk)
    loan.refresh_from_db()
    return _detail(request, people, loan, bound=form, bound_action=action, status=400)


@_loans_view(board=True)
def board(request, people):
    return render(
        request,
        "loans/board.html",
        {"people": people, "today": timezone.localdate(), "tab": "board", **selectors.board_overview()},
    )


@_loans_view(board=True)
def board_settings(request, people):
    conf = LoanSettings.current()
    materials = Material.objects.filter(active=True)
    form = LoanSettingsForm(
        request.POST or None, instance=conf, materials=materials, prices=selectors.material_prices()
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        services.loan_settings_update(
            notice_days=d["notice_days"],
            max_active_loans=d["max_active_loans"],
            default_term_days=d["default_term_days"],
            user=request.user,
        )
        for material in form.materials:
            services.material_price_set(material=material, price=d[f"price_{material.code}"], user=request.user)
        messages.success(request, _("Loan settings saved."))
        return redirect("loans:board-settings")
    return render(
        request,
        "loans/settings.html",
        {"form": form, "people": people, "tab": "settings"},
        status=400 if request.method == "POST" else 200,
    )
