"""Writes of the trade app (issue 20). Each service runs in one transaction, takes keyword-only arguments and
raises ``Refusal`` naming the field; nothing is half-applied. Callers import this package
(``from trade import services``); the names below are its public surface.

* accounts:    apply_for_account, decide_account
* rfq:         read_csv, create_request, plan_for (the dry run, writes nothing), post_message
* shipping:    country_code, packed_grams, shipping_estimate
* quotes:      trade_price, prepare_quote, approve_override, send_quote, expire_quotes
* acceptance:  accept_quote (commits the quoted plan, or raises PlanChanged and commits nothing), plan_to_commit
* payments:    transfer_received (the deposit or the balance arrived; the shop's payment flow calls it through
               its transfer port, which TransferSource fills), request_balance, confirm_balance, balance_due,
               work_ready, BalanceDue
"""

from .acceptance import DEPOSIT_DAYS, PlanChanged, accept_quote, plan_to_commit
from .accounts import apply_for_account, decide_account
from .payments import (
    BalanceDue,
    TransferSource,
    balance_due,
    confirm_balance,
    request_balance,
    transfer_received,
    work_ready,
)
from .quotes import approve_override, expire_quotes, prepare_quote, send_quote, trade_price
from .rfq import create_request, plan_for, post_message, read_csv
from .shipping import country_code, packed_grams, shipping_estimate

__all__ = [
    "DEPOSIT_DAYS",
    "BalanceDue",
    "PlanChanged",
    "TransferSource",
    "accept_quote",
    "apply_for_account",
    "approve_override",
    "balance_due",
    "confirm_balance",
    "country_code",
    "create_request",
    "decide_account",
    "expire_quotes",
    "packed_grams",
    "plan_for",
    "plan_to_commit",
    "post_message",
    "prepare_quote",
    "read_csv",
    "request_balance",
    "send_quote",
    "shipping_estimate",
    "trade_price",
    "transfer_received",
    "work_ready",
]
