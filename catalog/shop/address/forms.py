"""The Indonesian address form (checkout and the buyer's address book).

One name is enough (last name optional); the phone is required, checked, and saved as +62…; an Indonesian
address needs its province (one of the 38), kabupaten/kota, kecamatan and a five-digit postcode, kelurahan is
optional. An address abroad (export) keeps a plain international form: a free "state/region", no province.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.forms import (
    AbstractAddressForm,  # noqa: F401  (found here by get_class)
    UserAddressForm as OscarUserAddressForm,
)

from .regions import PROVINCES

INDONESIA = "ID"
FIELD_ORDER = [
    "first_name",
    "last_name",
    "phone_number",
    "line1",
    "line2",
    "subdistrict",
    "district",
    "line4",
    "province",
    "state",
    "postcode",
    "country",
    "notes",
]
MODEL_FIELDS = [name for name in FIELD_ORDER if name != "province"]
_PHONE_NOISE = re.compile(r"[\s\-.()/]")


class IndonesianAddressMixin:
    """Mixed in before Oscar's address forms (which bring the phone check, PhoneNumberMixin)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = getattr(self.instance, "state", "") or ""
        self.fields["province"] = forms.ChoiceField(
            label=_("Province (Indonesia)"),
            choices=[("", "—")] + [(p, p) for p in PROVINCES],
            required=False,
            initial=state if state in PROVINCES else "",
        )
        labels = {
            "first_name": _("Name"),
            "last_name": _("Last name (optional)"),
            "line1": _("Street address"),
            "line2": _("RT/RW, building, landmark (optional)"),
            "subdistrict": _("Kelurahan / desa"),
            "district": _("Kecamatan"),
            "line4": _("Kabupaten / kota"),
            "state": _("State / region (outside Indonesia)"),
            "postcode": _("Postcode"),
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "first_name" in self.fields:
            self.fields["first_name"].help_text = _("One name is enough.")
        if "phone_number" in self.fields:
            self.fields["phone_number"].required = True
            self.fields["phone_number"].help_text = _("For the courier, e.g. 0812 2700 1234 or +62 812 2700 1234.")
        self.order_fields(FIELD_ORDER)

    def clean_phone_number(self):
        """Spaces, dashes and dots go; 62… without the plus is read as +62… (PhoneNumberMixin checks the rest)."""
        number = _PHONE_NOISE.sub("", self.cleaned_data.get("phone_number") or "")
        if re.fullmatch(r"62\d{8,13}", number):
            number = "+" + number
        return number

    def _is_indonesian(self) -> bool:
        country = self.get_country()
        return bool(country) and getattr(country, "iso_3166_1_a2", "") == INDONESIA

    def clean(self):
        data = super().clean()
        if not self._is_indonesian():
            data["province"] = ""
            return data
        province = data.get("province")
        if not province:
            self.add_error("province", _("Please choose the province."))
        else:
            data["state"] = province
        if not (data.get("district") or "").strip():
            self.add_error("district", _("Please enter the kecamatan."))
        postcode = (data.get("postcode") or "").strip()
        if postcode and not re.fullmatch(r"\d{5}", postcode):
            self.add_error("postcode", _("An Indonesian postcode has five digits, e.g. 55152."))
        phone = data.get("phone_number")
        if phone and getattr(phone, "country_code", 62) != 62 and "phone_number" not in self.errors:
            self.add_error("phone_number", _("Please give an Indonesian phone number (+62 or 08…)."))
        return data


class UserAddressForm(IndonesianAddressMixin, OscarUserAddressForm):
    class Meta(OscarUserAddressForm.Meta):
        fields = MODEL_FIELDS
