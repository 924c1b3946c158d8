"""Board forms. They only parse input; the services decide (and name the field when they refuse)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from .messages import message
from .models import PriceBoardSettings
from .pricing import rules
from .pricing.sheet import parse_rupiah

Product = get_model("catalogue", "Product")
MAX_SHEET_BYTES = 1_000_000


class RupiahField(forms.CharField):
    """Whole rupiah typed the Indonesian way ("150.000") or plain ("150000")."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        amount, code = parse_rupiah(value)
        if code:
            raise ValidationError(message(code), code=code)
        return amount


class ProposalForm(forms.Form):
    sku = forms.CharField(
        label=_("Product SKU"),
        max_length=64,
        help_text=_("The variant's SKU, e.g. GY-SAN-0001-1 (a product with variants has no price of its own)."),
    )
    amount = RupiahField(label=_("Agreed price (Rp)"))
    min_quantity = forms.IntegerField(
        label=_("From quantity"),
        initial=1,
        min_value=1,
        max_value=rules.MAX_MIN_QUANTITY,
        help_text=_("1 for the agreed price; e.g. 12 for a trader price from 12 units."),
    )
    effective_from = forms.DateTimeField(
        label=_("Takes effect"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Leave empty for “as soon as the board approves”. Never earlier than the approval."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a change larger than the board's threshold."),
    )

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        product = Product.objects.filter(upc=sku).first()
        if product is None:
            raise ValidationError(message("unknown_sku", sku=sku), code="unknown_sku")
        if product.is_parent:
            raise ValidationError(message("not_purchasable"), code="not_purchasable")
        self.product = product
        return sku


class PriceRulesForm(forms.ModelForm):
    class Meta:
        model = PriceBoardSettings
        fields = ["quorum", "change_threshold_percent"]


class PriceSheetForm(forms.Form):
    """A CSV file, or its text pasted (the preview carries the text to the apply step, checked again there)."""

    file = forms.FileField(label=_("CSV file"), required=False)
    text = forms.CharField(label=_("…or paste the CSV"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_SHEET_BYTES:
                raise ValidationError({"file": message("too_big")})
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": message("not_utf8")}) from None
        if not (cleaned.get("text") or "").replace("\ufeff", "").strip():  # byte-order marks alone are empty
            raise ValidationError({"file": message("empty_file")})
        if len(cleaned["text"].encode()) > MAX_SHEET_BYTES:
            raise ValidationError({"text": message("too_big")})
        return cleaned
