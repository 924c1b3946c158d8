"""Order statuses: English codes stored on the order, translated when shown (catalog.shop.order.statuses has the
labels). They live in the base layer because the pool reads them too (a cancelled order is not routed) and the
pool must not import the shop that sits above it.

settings.OSCAR_ORDER_STATUS_PIPELINE (end of settings/base.py) uses the same strings; keep them in step.
"""

from django.utils.translation import gettext_noop

AWAITING_PAYMENT = gettext_noop("Awaiting payment")
PAID = gettext_noop("Paid")
IN_PRODUCTION = gettext_noop("In production")
SHIPPED = gettext_noop("Shipped")
COMPLETE = gettext_noop("Complete")
CANCELLED = gettext_noop("Cancelled")

ALL = (AWAITING_PAYMENT, PAID, IN_PRODUCTION, SHIPPED, COMPLETE, CANCELLED)
# Stock is still held (allocated, not yet consumed) in these statuses.
HOLDING_STOCK = (AWAITING_PAYMENT, PAID, IN_PRODUCTION)
# Nothing more is made or held for these: the routing sweep and the promise check leave them alone.
FINISHED = (SHIPPED, COMPLETE, CANCELLED)

# The payment event types staff pick in the dashboard (a line refund is a "Refunded" payment event); the books
# read the codes too.
PAYMENT_EVENT_TYPES = [("paid", "Paid"), ("refunded", "Refunded")]
