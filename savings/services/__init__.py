"""Writing simpan-pinjam. Every change is one transaction that posts into the cooperative's money books
(``books.services.post``: same postings, same statements, the trial balance stays 0) and updates the passbook
and the loan schedule beside it. A refused change raises ``Refusal`` naming the field and writes nothing; a
change carries an idempotency key, so a second click or a re-posted collection sheet changes nothing.

Accounts (credit-positive, as in books/ledger.py):

- ``savings:<pokok|wajib|sukarela>:<member>``: what the cooperative holds for the member (≥ 0);
- ``loan:<reference>:<member>``: the principal the member still owes on a loan (≤ 0);
- ``funding:<reference>:<member>``: the sukarela a member lent to a loan, not yet paid back (≥ 0);
- ``coop:cash`` (the treasurer's cash box) and ``coop:bank``: money received is negative, paid out positive;
- ``coop:jasa``: the cooperative's jasa income (funders get their share of the jasa on what they funded);
- ``coop:shu``: the year's surplus shared with the members;
- ``coop:materials``: the cooperative's own materials given out as a loan in kind (a member's own materials are
  bought from it: its ``member:`` account is credited instead);
- ``member:<code>``: the member's books account, for deposits and repayments from the monthly settlement and
  for tanggung renteng (a member whose instalment the group paid owes the payers).

The modules: ``base`` (codes, checks, the passbook line), ``deposits`` (amounts, deposits, withdrawals, dues),
``lending`` (groups, products, eligibility, applications, approvals), ``disbursement`` (paying a loan out, in
money or in kind), ``in_kind`` (the paket usaha through the material ledger), ``repayment`` (instalments, the
collection sheet), ``shu`` (the year's surplus), ``reminders`` (instalments due soon or in arrears, by email).
Callers import from here.
"""

from common.errors import Refusal

from .base import (
    BANK,
    CASH,
    COOP_NAMES,
    JASA,
    MATERIALS,
    MAX_GROUP,
    SHU,
    acts_for,
    funding_code,
    loan_code,
    member_balance,
    savings_account,
    savings_code,
)
from .deposits import (
    amount_in_force,
    deposit,
    pay_dues,
    pokok_required,
    rule_add,
    wajib_required,
    withdraw,
)
from .disbursement import IN_KIND, loan_disburse
from .in_kind import PackageItem, package_items, package_value
from .lending import (
    Part,
    eligibility,
    group_create,
    loan_apply,
    loan_approve,
    loan_refuse,
    product_add,
    shares_in_arrears,
)
from .repayment import Collected, collection_post, early_amount, outstanding, principal_left, repay
from .shu import shu_approve, shu_bases, shu_prepare

__all__ = [
    "BANK",
    "CASH",
    "COOP_NAMES",
    "IN_KIND",
    "JASA",
    "MATERIALS",
    "MAX_GROUP",
    "SHU",
    "Collected",
    "PackageItem",
    "Part",
    "Refusal",
    "acts_for",
    "amount_in_force",
    "collection_post",
    "deposit",
    "early_amount",
    "eligibility",
    "funding_code",
    "group_create",
    "loan_apply",
    "loan_approve",
    "loan_code",
    "loan_disburse",
    "loan_refuse",
    "member_balance",
    "outstanding",
    "package_items",
    "package_value",
    "pay_dues",
    "pokok_required",
    "principal_left",
    "product_add",
    "repay",
    "rule_add",
    "savings_account",
    "savings_code",
    "shares_in_arrears",
    "shu_approve",
    "shu_bases",
    "shu_prepare",
    "wajib_required",
    "withdraw",
]
