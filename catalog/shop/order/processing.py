"""Oscar's order event handler, which the dashboard's order page calls: our payment rules hook in here.

* status → Paid: a bank transfer is confirmed as received (or a waiting card payment is captured);
* status → Cancelled: the card authorisation is cancelled or the paid amount refunded, stock released;
* status → Shipped: the held stock is consumed and the buyer is emailed;
* a "Paid" payment event once the order's own transfer arrived: another transfer it waits for (a trade order's
  balance, ``transfer_port``) arrived;
* a "Refunded" payment event (per line, or for an amount on the whole order): refunds through Stripe for
  card orders, recorded for transfers.
Failures raise Oscar's PaymentError, which the dashboard shows to staff.
"""

from django.utils.translation import gettext as _
from oscar.apps.order import processing
from oscar.apps.payment.exceptions import PaymentError

from catalog.shop.payment.models import BankTransfer, CardPayment

from . import cards, refunds, services, statuses, transfer_port


class EventHandler(processing.EventHandler):
    def handle_order_status_change(self, order, new_status, note_msg=None):
        if new_status == statuses.PAID:
            self.confirm_payment(order)
        elif new_status == statuses.CANCELLED:
            self.cancel(order)
        elif new_status == statuses.SHIPPED:
            services.mark_shipped(order=order, user=self.user)
        else:
            return super().handle_order_status_change(order, new_status, note_msg)
        order.refresh_from_db()
        if note_msg:
            self.create_note(order, note_msg)

    def handle_payment_event(self, order, event_type, amount, lines=None, line_quantities=None, **kwargs):
        if event_type.code == services.REFUNDED_EVENT[0]:
            self.validate_payment_event(order, event_type, amount, lines, line_quantities)
            if lines:
                # Oscar's form sums whole lines; a line refund is worth the selected units only.
                amount = self.calculate_payment_event_subtotal(event_type, lines, line_quantities)
            try:
                return refunds.refund_order(
                    order=order, amount=amount, lines=lines, quantities=line_quantities, user=self.user
                )
            except refunds.RefundError as error:
                raise PaymentError(str(error)) from error
        if event_type.code == services.PAID_EVENT[0] and self._confirm_due(order, amount):
            return order.payment_events.filter(event_type=event_type).last()
        if event_type.code == services.PAID_EVENT[0] and self._transfer(order) is not None:
            self.confirm_payment(order)
            return order.payment_events.filter(event_type=event_type).last()
        return super().handle_payment_event(order, event_type, amount, lines, line_quantities, **kwargs)

    # --- the actions ------------------------------------------------------------------------------
    def confirm_payment(self, order):
        if self._transfer(order) is not None:
            try:
                services.confirm_bank_transfer(order=order, user=self.user)
            except ValueError as error:
                raise PaymentError(str(error)) from error
            return
        card = order.card_payments.filter(status=CardPayment.AUTHORISED).first()
        if card is None:
            raise PaymentError(_("There is no bank transfer or card authorisation waiting on this order."))
        if cards.capture_placed_order(order=order, intent_id=card.intent_id, notify=True) != cards.PAID:
            raise PaymentError(_("Stripe did not capture the card payment; see the order notes."))

    def _confirm_due(self, order, amount) -> bool:
        """A "Paid" event on an order whose own transfer is settled but which waits for another one the shop does
        not keep (a trade order's balance, ``transfer_port``): that transfer arrived. False: none waits."""
        transfer = self._transfer(order)
        due = transfer_port.awaiting_for(order)
        if due is None or (transfer is not None and transfer.status == BankTransfer.AWAITING):
            return False
        if amount != due.amount:
            raise PaymentError(
                _("Transfer %(reference)s expects %(expected)s.")
                % {"reference": due.reference, "expected": f"{due.amount:.0f}"}
            )
        transfer_port.received(order=order, reference=due.reference, user=self.user)
        return True

    def cancel(self, order):
        reason = "Cancelled by staff."
        card = order.card_payments.exclude(status=CardPayment.CANCELLED).first()
        if card is not None and card.status == CardPayment.AUTHORISED:
            cards.cancel_authorisation(intent_id=card.intent_id, order_number=order.number, reason=reason)
        elif card is not None and card.status == CardPayment.CAPTURED and card.refundable > 0:
            self._refund(order, card.refundable)
        transfer = self._transfer(order)
        if transfer is not None and transfer.status == BankTransfer.PAID and transfer.refundable > 0:
            self._refund(order, transfer.refundable)
        services.cancel_order(order=order, reason=reason, user=self.user)

    def _refund(self, order, amount):
        try:
            refunds.refund_order(order=order, amount=amount, user=self.user)
        except refunds.RefundError as error:
            raise PaymentError(str(error)) from error

    @staticmethod
    def _transfer(order):
        return BankTransfer.objects.filter(order=order).first()
