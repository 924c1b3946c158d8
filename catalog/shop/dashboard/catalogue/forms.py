"""Staff see a member's stock and price on a stockrecord but cannot type over them.

The price a buyer pays is the board's agreed price (catalog/, /prices/): the stockrecord's own price is never
read, so an editable price box would only mislead. Stock changes only through the inventory ledger (the
workspace, imports, orders), so ``num_in_stock`` is shown as the ledger keeps it, not edited here.
"""

from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F401,F403  (Oscar's fork pattern: the rest unchanged)
from oscar.apps.dashboard.catalogue.forms import StockRecordForm as OscarStockRecordForm

READ_ONLY = {
    "price": _("Buyers pay the board's agreed price (Prices page); this field is not used."),
    "price_currency": "",
    "num_in_stock": _("Kept by the inventory ledger: change stock in the workspace."),
}


class StockRecordForm(OscarStockRecordForm):
    def __init__(self, product_class, user, *args, **kwargs):
        super().__init__(product_class, user, *args, **kwargs)
        for name, help_text in READ_ONLY.items():
            if name in self.fields:
                # Disabled: the browser cannot send it and Django ignores anything sent (the instance keeps its value).
                self.fields[name].disabled = True
                self.fields[name].required = False
                if help_text:
                    self.fields[name].help_text = help_text
