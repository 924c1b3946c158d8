"""Forms of the money books: they check the shape of the input; the services decide (and name the field)."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext, gettext_lazy as _
from oscar.core.loading import get_model

from common.errors import Refusal

from . import ledger


class MonthField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return ledger.parse_month(value)
        except ledger.BooksError:
            raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-01.")) from None


class MonthCloseForm(forms.Form):
    month = MonthField(label=_("Month"), max_length=7)


class FeeRateForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Fee (%)"), min_value=0, max_value=ledger.MAX_FEE_PERCENT, decimal_places=2, max_digits=5
    )
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    product_class = forms.ModelChoiceField(
        label=_("Product class (empty: all)"),
        required=False,
        queryset=get_model("catalogue", "ProductClass").objects.order_by("name"),
    )


class BooksSettingsForm(forms.Form):
    monthly_dues = forms.IntegerField(label=_("Monthly dues (Rp)"), min_value=0, max_value=10_000_000)
    payout_minimum = forms.IntegerField(label=_("Smallest payout (Rp)"), min_value=0, max_value=100_000_000)
    pool_share_percent = forms.IntegerField(label=_("Pool price (% of the agreed price)"), min_value=1, max_value=100)


class BankAccountForm(forms.Form):
    bank = forms.CharField(label=_("Bank"), max_length=60)
    number = forms.CharField(label=_("Account number"), max_length=30)
    holder = forms.CharField(label=_("Name on the account"), max_length=100)


class MarkPaidForm(forms.Form):
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=60)


def add_refusal(form: forms.Form, error) -> None:
    """Show a service's refusal on the field it names (or on the form)."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.messages)


def saved_or_refused(request, form: forms.Form, run, then, saved: str | None = None):
    """A posted form runs its service once it is valid: a refusal is shown on the form and the answer is None (the
    caller renders the form again, status 400); success flashes ``saved`` ("Saved.") and answers ``then(result)``,
    the redirect."""
    if not form.is_valid():
        return None
    try:
        result = run(form.cleaned_data)
    except Refusal as error:
        add_refusal(form, error)
        return None
    messages.success(request, saved or gettext("Saved."))
    return then(result)
