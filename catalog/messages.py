"""Words for the plain-Python engine's error codes (catalog/pricing keeps no Django and so no translations)."""

from django.utils.translation import gettext, gettext_lazy as _

from common.errors import Refusal

MESSAGES = {
    # amounts and quantities
    "required": _("This field is required."),
    "not_whole_rupiah": _("Write the price as whole rupiah without decimals, e.g. 150000 or 150.000."),
    "not_positive": _("Must be more than zero."),
    "too_large": _("This number is too large."),
    "not_whole_number": _("Write a whole number, e.g. 12."),
    # times
    "bad_date": _("Not a date: write it as 2026-12-12 or 2026-12-12 09:00."),
    "in_the_past": _("This time is in the past; leave it empty for “as soon as the board approves”."),
    "too_far_ahead": _("This time is more than two years ahead."),
    # the sheet
    "empty_file": _("The file is empty."),
    "not_csv": _("The file is not a readable CSV file."),
    "not_utf8": _("The file is not UTF-8 text; save it as “CSV UTF-8” and try again."),
    "too_big": _("The file is too big (at most 1 MB)."),
    "too_many_rows": _("The file has too many rows (at most %(max)s)."),
    "no_rows": _("The file has a header but no rows."),
    "missing_column": _("The column is missing from the header."),
    "unknown_sku": _("No product has the SKU “%(sku)s”."),
    "parent_product": _("“%(sku)s” is a product with variants: give the price of each variant."),
    "duplicate": _("This product and quantity already appear in row %(first_row)s."),
    "too_long": _("Too long (at most %(max)s characters)."),
    "reason_required": _("A change of %(percent)s%% is more than the board's %(threshold)s%%: give a reason."),
    # proposals and votes
    "not_purchasable": _("A product with variants has no price of its own: propose a price for each variant."),
    "quorum_unreachable": _(
        "The board has only %(eligible)s other members, fewer than the %(quorum)s approvals needed."
    ),
    "not_pending": _("This proposal has already been decided."),
    "own_proposal": _("You cannot approve or reject your own proposal."),
    "already_voted": _("You have already voted on this proposal."),
    "reason_for_rejection": _("Say why you reject the proposal."),
    "only_proposer": _("Only the board member who proposed it can withdraw a proposal."),
    "already_in_force": _("This price is already in force: propose a new price instead."),
    "not_withdrawable": _("Only a waiting or scheduled proposal can be withdrawn."),
}


def error(code: str, **params) -> Refusal:
    """A refusal whose words are looked up when shown (in the reader's language), not when raised."""
    return Refusal(MESSAGES.get(code, code), code=code, params=params or None)


def message(code: str, **params) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return code
    text = str(text)
    return text % params if params else text


def problem_text(problem) -> str:
    """A sheet problem as a sentence naming its row and column."""
    text = message(problem.code, **problem.param_dict())
    if problem.row >= 2 and problem.column:
        return gettext("Row %(row)s, column “%(column)s”: %(text)s") % {
            "row": problem.row,
            "column": problem.column,
            "text": text,
        }
    if problem.column:
        return gettext("Column “%(column)s”: %(text)s") % {"column": problem.column, "text": text}
    return text
