"""Oscar's address book, forked for the Indonesian address: ``state`` holds the province (one of the 38),
``line4`` the kabupaten/kota, and two fields are added: kecamatan (``district``) and kelurahan/desa
(``subdistrict``). The order's shipping and billing addresses carry the same fields (catalog/shop/order)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractUserAddress

# The order in which an address is printed (and hashed, so one address is saved once in the address book).
ADDRESS_FIELDS = [
    "salutation",
    "line1",
    "line2",
    "line3",
    "subdistrict",
    "district",
    "line4",
    "state",
    "postcode",
    "country",
]


class IndonesianAddressFields(models.Model):
    district = models.CharField(_("Kecamatan (district)"), max_length=100, blank=True)
    subdistrict = models.CharField(_("Kelurahan / desa"), max_length=100, blank=True)

    base_fields = hash_fields = ADDRESS_FIELDS

    class Meta:
        abstract = True


class UserAddress(IndonesianAddressFields, AbstractUserAddress):  # noqa: DJ008  (Oscar's __str__)
    class Meta(AbstractUserAddress.Meta):
        app_label = "address"
        abstract = False


from oscar.apps.address.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
