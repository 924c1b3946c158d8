"""The checkout's shipping address form: Oscar's, with the Indonesian address (catalog/shop/address/forms.py)."""

from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from catalog.shop.address.forms import MODEL_FIELDS, IndonesianAddressMixin


class ShippingAddressForm(IndonesianAddressMixin, OscarShippingAddressForm):
    class Meta(OscarShippingAddressForm.Meta):
        fields = MODEL_FIELDS
