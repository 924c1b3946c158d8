"""Writing the money books. Each event that moves money between the cooperative and its members calls one
function here, inside its own transaction (never a signal receiver), so the money is posted with the event or
not at all. Every posting carries a key derived from the event: a replay (a retried job, a second click, a
webhook reported twice) posts nothing.

Prices (see README "Money books"): a sale credits the member who filled the line the agreed price × units (what
the line was sold at) and withholds the board's fee in force on the day the order was placed; work handed over for
an order line and finished stock taken from another member are paid by the receiving member at the same price
less the same fee (so the maker or giver nets exactly what a sale of its own would have brought); work for a
member's own outside order costs the board's pool price (a share of the agreed price in force at hand-over).

The modules: ``postings`` (accounts, ``post``, fees, refusals), ``events`` (the hooks the shop, the pool and the
clock call), ``closing`` (the board's month close and rules), ``payouts`` (bank accounts and payout runs). Callers
import this package (``from books import services``); the names below are its public surface.
"""

from common.errors import Refusal

from .closing import books_settings_update, close_due_months, fee_rate_add, month_close
from .events import (
    charge_monthly_dues,
    post_adjustment,
    post_loan_settlement,
    post_order_shipped,
    post_refund,
    post_stock_taken,
    post_work_handed_over,
)
from .payouts import (
    ACCOUNT_NUMBER,
    CSV_HEADER,
    bank_account_decide,
    bank_account_request,
    payout_run_approve,
    payout_run_create,
    payout_run_export,
    payout_run_mark_paid,
)
from .postings import (
    account,
    fee_percent_for,
    last_closed_month,
    lock_for_checker,
    member_code,
    net_of_fee,
    post,
    refusal,
)

__all__ = [
    "ACCOUNT_NUMBER",
    "CSV_HEADER",
    "Refusal",
    "account",
    "bank_account_decide",
    "bank_account_request",
    "books_settings_update",
    "charge_monthly_dues",
    "close_due_months",
    "fee_percent_for",
    "fee_rate_add",
    "last_closed_month",
    "lock_for_checker",
    "member_code",
    "month_close",
    "net_of_fee",
    "payout_run_approve",
    "payout_run_create",
    "payout_run_export",
    "payout_run_mark_paid",
    "post",
    "post_adjustment",
    "post_loan_settlement",
    "post_order_shipped",
    "post_refund",
    "post_stock_taken",
    "post_work_handed_over",
    "refusal",
]
