"""The board's price screens under /prices/. Thin: check who asks, parse, call a selector or a service.

Readers (board, staff, members' artisans) see the price list, proposals and history; only the board proposes,
votes, imports and sets the rules. Anonymous visitors are sent to log in; buyers get 403.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from common.access import access
from common.cells import escape_cell

from . import selectors, services
from .access import can_govern_prices, can_read_prices
from .forms import PriceRulesForm, PriceSheetForm, ProposalForm
from .messages import problem_text
from .models import PriceBoardSettings, PriceProposal
from .pricing import rules

PER_PAGE = 25

# Anonymous visitors log in; a signed-in user the check refuses (a buyer) gets 403.
readers = access(can_read_prices)
board = access(can_govern_prices)


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _context(request, **extra):
    return {"is_board": can_govern_prices(request.user), "now": timezone.now(), **extra}


def _error_texts(error: ValidationError, labels: dict) -> list[str]:
    """Every message of a service refusal, prefixed with the field's label so the board member knows what to fix."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    texts = []
    for field, errors in error.message_dict.items():
        label = labels.get(field)
        texts.extend(f"{label}: {text}" if label else text for text in errors)
    return texts


@readers
def price_list(request):
    query = request.GET.get("q", "").strip()
    page = _page(request, selectors.search_price_list(query))
    rows = selectors.price_rows(page.object_list, at=timezone.now())
    return render(
        request,
        "catalog/price_list.html",
        _context(
            request,
            page_obj=page,
            paginator=page.paginator,
            rows=rows,
            query=query,
            rules=PriceBoardSettings.current(),
        ),
    )


@readers
def price_history(request, pk):
    product = get_object_or_404(selectors.purchasable_products().select_related("parent"), pk=pk)
    history = selectors.product_history(product, at=timezone.now())
    return render(request, "catalog/history.html", _context(request, product=product, **history))


@readers
def proposal_list(request):
    show = request.GET.get("show", "pending")
    if show not in selectors.PROPOSAL_FILTERS:
        show = "pending"
    query = request.GET.get("q", "").strip()
    page = _page(request, selectors.proposals(show=show, at=timezone.now(), query=query))
    return render(
        request,
        "catalog/proposal_list.html",
        _context(
            request,
            page_obj=page,
            paginator=page.paginator,
            show=show,
            query=query,
            filters=[
                ("pending", _("Waiting")),
                ("scheduled", _("Scheduled")),
                ("decided", _("Decided")),
                ("all", _("All")),
            ],
        ),
    )


@readers
def proposal_detail(request, pk):
    try:
        proposal = selectors.proposal_detail(pk)
    except PriceProposal.DoesNotExist:
        raise Http404 from None
    # The buttons show exactly when the services would accept the act (the same rules decide both).
    is_board = can_govern_prices(request.user)
    is_pending = proposal.status == PriceProposal.Status.PENDING
    approved = proposal.status == PriceProposal.Status.APPROVED
    can_vote = (
        is_board
        and rules.vote_refusal(
            voter_id=request.user.pk,
            proposer_id=proposal.proposed_by_id,
            is_pending=is_pending,
            already_voted=any(v.board_member_id == request.user.pk for v in proposal.votes.all()),
        )
        is None
    )
    can_withdraw = (
        is_board
        and rules.withdrawal_refusal(
            by_proposer=proposal.proposed_by_id == request.user.pk,
            is_pending=is_pending,
            starts_at=proposal.agreed_price.effective_from if approved else None,
            now=timezone.now(),
        )
        is None
    )
    return render(
        request,
        "catalog/proposal_detail.html",
        _context(
            request,
            proposal=proposal,
            can_vote=can_vote,
            can_withdraw=can_withdraw,
        ),
    )


MAX_ID = 2**31 - 1  # the largest primary key the id columns hold on every database


def _id_param(value) -> int | None:
    """A database id from a URL parameter, or None: digits only (no signs, spaces or other scripts' digits),
    short enough to parse and within the id columns' range."""
    text = (value or "").strip()
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


@board
def propose(request):
    initial = {}
    pk = _id_param(request.GET.get("product"))
    product = selectors.purchasable_products().filter(pk=pk).first() if pk is not None else None
    if product is not None:
        initial["sku"] = product.upc
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.propose_price(
                product=form.product,
                amount=data["amount"],
                proposed_by=request.user,
                effective_from=data["effective_from"],
                reason=data["reason"],
                min_quantity=data["min_quantity"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                field = {"product": "sku", "__all__": None}.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Proposal made. It takes effect once %(quorum)s other board members approve it.")
                % {"quorum": proposal.quorum},
            )
            return redirect("catalog:proposal", pk=proposal.pk)
    return render(
        request, "catalog/propose.html", _context(request, form=form, product=product or getattr(form, "product", None))
    )


def _decide(request, pk, act):
    """``act(proposal, reason)`` on the proposal; its answer (what was done) or the refusal is shown on its page."""
    proposal = get_object_or_404(PriceProposal, pk=pk)
    reason = request.POST.get("reason", "")[:500]  # the textarea's maxlength; longer posts are cut, not refused
    try:
        done = act(proposal, reason)
    except ValidationError as error:
        for text in _error_texts(error, {"reason": _("Reason")}):
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("catalog:proposal", pk=pk)


@board
@require_POST
def approve(request, pk):
    def act(proposal, _reason):
        decided = services.approve_proposal(proposal=proposal, board_member=request.user)
        if decided.status == PriceProposal.Status.APPROVED:
            return _("Approved: the board has agreed this price.")
        return _("Your approval is recorded; more approvals are needed.")

    return _decide(request, pk, act)


def _closing(close, user_as: str, done):
    """A view that closes a proposal with a reason: ``close`` (the service) is told the user as ``user_as``."""

    @board
    @require_POST
    def view(request, pk):
        def act(proposal, reason):
            close(proposal=proposal, reason=reason, **{user_as: request.user})
            return str(done)  # in the reader's language

        return _decide(request, pk, act)

    return view


reject = _closing(services.reject_proposal, "board_member", gettext_lazy("Your rejection is recorded."))
withdraw = _closing(services.withdraw_proposal, "withdrawn_by", gettext_lazy("The proposal is withdrawn."))


@readers
def export_sheet(request):
    now = timezone.now()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guyub-prices-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")  # spreadsheet programs read the Indonesian letters right with a BOM
    writer = csv.writer(response)
    writer.writerow(["sku", "title", "min_quantity", "price", "in_force_since", "effective_from", "reason"])
    for sku, title, min_quantity, amount, since in selectors.sheet_rows(at=now):
        since_text = timezone.localtime(since).strftime("%Y-%m-%d %H:%M") if since else ""
        # Text from the catalogue may start like a formula; numbers and dates we write never do.
        writer.writerow(
            [
                escape_cell(sku),
                escape_cell(title),
                min_quantity,
                "" if amount is None else int(amount),
                since_text,
                "",
                "",
            ]
        )
    return response


@board
def import_sheet(request):
    form = PriceSheetForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if "apply" in request.POST:
            try:
                result = services.apply_price_sheet(text=text, proposed_by=request.user)
            except ValidationError as error:
                for message_text in _error_texts(error, {}):
                    messages.error(request, message_text)
                result = None
            if result is not None and result.check.ok:
                count = len(result.proposals)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s proposal made; it waits for the board's approval.",
                        "%(count)s proposals made; they wait for the board's approval.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(f"{reverse('catalog:proposals')}?show=pending")
            check = result.check if result else services.check_price_sheet(text=text)
        else:
            check = services.check_price_sheet(text=text)
        form = PriceSheetForm(initial={"text": text})
    preview = []
    if check:
        titles = selectors.titles_for([r.sku for r in check.rows])
        preview = [(r, titles.get(r.sku, ""), [problem_text(p) for p in r.problems]) for r in check.rows]
    return render(
        request,
        "catalog/import.html",
        _context(
            request,
            form=form,
            check=check,
            preview=preview,
            problems=[problem_text(p) for p in check.file_problems] if check else [],
        ),
    )


@board
def price_rules(request):
    current = PriceBoardSettings.current()
    form = PriceRulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_price_rules(
            quorum=form.cleaned_data["quorum"],
            change_threshold_percent=form.cleaned_data["change_threshold_percent"],
            changed_by=request.user,
        )
        messages.success(request, _("The board's price rules are saved."))
        return redirect("catalog:rules")
    return render(request, "catalog/rules.html", _context(request, form=form, rules=current))
