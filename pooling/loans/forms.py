"""Loan forms. Every write form carries a token made when the form is shown: a double tap or a retried POST
reaches the service with the same key and applies once."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Material, Member

from . import rules
from .models import LoanSettings


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def add_refusal(self, error) -> None:
        """A service's LoanError, on the field it names when the form has that field."""
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, error.messages)


def _message(error: rules.LoanRuleError):
    return _(error.template) % error.params if error.params else _(error.template)


def _quantity_in(material, value):
    try:
        return rules.to_quantity(value, material.places)
    except rules.LoanRuleError as error:
        raise forms.ValidationError(_message(error)) from error


class DateInput(forms.DateInput):
    input_type = "date"


class LoanRequestForm(KeyedForm):
    borrower = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Borrowing workshop"))
    material = forms.ModelChoiceField(queryset=Material.objects.filter(active=True), label=_("Material"))
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=2, min_value=0)
    needed_by = forms.DateField(label=_("Needed by"), widget=DateInput)
    return_by = forms.DateField(
        label=_("Return by"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for the board's usual loan term."),
    )
    lender = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Ask a named member"), required=False)
    note = forms.CharField(label=_("Note for the lender"), max_length=255, required=False)

    def __init__(self, *args, borrowers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = Member.objects.filter(pk__in=[m.pk for m in borrowers]).select_related(
            "partner"
        )
        if len(borrowers) == 1:
            self.fields["borrower"].initial = borrowers[0].pk
            self.fields["borrower"].widget = forms.HiddenInput()
        self.fields["borrower"].label_from_instance = lambda m: f"{m.code} · {m.name}"
        self.fields["material"].label_from_instance = lambda m: f"{m.display_name} ({m.get_unit_display()})"
        self.fields["lender"].queryset = Member.objects.active().select_related("partner")
        self.fields["lender"].label_from_instance = lambda m: f"{m.code} · {m.name}"
        self.fields["quantity"].widget.attrs.update(inputmode="decimal")

    def clean(self):
        data = super().clean()
        material, quantity = data.get("material"), data.get("quantity")
        if material is not None and quantity is not None:
            try:
                data["quantity"] = _quantity_in(material, quantity)
            except forms.ValidationError as error:
                self.add_error("quantity", error)
        if data.get("needed_by"):  # checked here too: "Find lenders" answers before any service runs
            try:
                rules.check_dates(
                    today=timezone.localdate(), needed_by=data["needed_by"], return_by=data.get("return_by")
                )
            except rules.LoanRuleError as error:
                self.add_error(error.field, _message(error))
        return data


class ActionForm(KeyedForm):
    """Accept, decline, hand over, receive, recall, cancel, settle: only the token."""


class QuantityForm(KeyedForm):
    quantity = forms.CharField(label=_("Quantity"), max_length=20)

    def __init__(self, *args, material, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["quantity"].required = required
        self.fields["quantity"].widget.attrs.update(inputmode="decimal")

    def clean_quantity(self):
        value = self.cleaned_data["quantity"]
        if value in ("", None):
            return None
        return _quantity_in(self.material, value)


class LoanSettingsForm(forms.ModelForm):
    class Meta:
        model = LoanSettings
        fields = ["notice_days", "max_active_loans", "default_term_days"]

    def __init__(self, *args, materials, prices, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for m in self.materials:
            self.fields[f"price_{m.code}"] = forms.DecimalField(
                label=_("%(material)s, Rp per %(unit)s") % {"material": m.display_name, "unit": m.get_unit_display()},
                required=False,
                min_value=0,
                decimal_places=0,
                max_digits=14,
                initial=prices.get(m.pk),
            )
