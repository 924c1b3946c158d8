"""Workspace forms. Each write form carries a request key made when the form is shown, so a double tap
or a retried POST applies once (the services are idempotent by key)."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from . import ledger, selectors
from .models import MaterialMovement, Member
from .services.common import MAX_KEY, refusal

ProductClass = get_model("catalogue", "ProductClass")


class KeyedForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=MAX_KEY)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class ProductionForm(KeyedForm):
    product = forms.ModelChoiceField(queryset=None, label=_("Product"))
    quantity = forms.IntegerField(label=_("Units made"), min_value=1, max_value=10_000, initial=1)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = selectors.producible_products(member)
        self.fields["product"].label_from_instance = lambda p: p.get_title()
        self.fields["quantity"].widget.attrs.update(inputmode="numeric")


class StockAdjustForm(KeyedForm):
    change = forms.IntegerField(
        label=_("Change in units"),
        help_text=_("Positive adds, negative removes (e.g. -2 for two damaged)."),
        min_value=-ledger.MAX_MOVE,
        max_value=ledger.MAX_MOVE,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def clean_change(self):
        if self.cleaned_data["change"] == 0:
            raise forms.ValidationError(_("The change must not be zero."))
        return self.cleaned_data["change"]


class MaterialRecordForm(KeyedForm):
    KINDS = [
        (MaterialMovement.Kind.PURCHASE, _("Purchase (material bought)")),
        (MaterialMovement.Kind.ADJUSTED, _("Adjustment (counted differently, damaged, …)")),
    ]
    kind = forms.ChoiceField(
        label=_("What happened"), choices=KINDS, widget=forms.RadioSelect, initial=MaterialMovement.Kind.PURCHASE
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=2,
        min_value=-ledger.MAX_MOVE,
        max_value=ledger.MAX_MOVE,
        help_text=_("For an adjustment, negative removes."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, material, **kwargs):
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["quantity"].label = f"{_('Quantity')} ({material.get_unit_display()})"
        self.fields["quantity"].widget.attrs.update(inputmode="decimal", step="1" if material.places == 0 else "0.01")

    def clean(self):
        data = super().clean()
        if data.get("kind") == MaterialMovement.Kind.ADJUSTED and not data.get("reason", "").strip():
            self.add_error("reason", _("An adjustment needs a reason."))
        quantity = data.get("quantity")
        if quantity is not None:
            positive = data.get("kind") != MaterialMovement.Kind.ADJUSTED
            try:
                self.material.quantity(quantity, positive=positive)
            except ledger.LedgerError as error:
                self.add_error("quantity", refusal(error))
        return data


def week_choices(count: int = 12):
    return [
        (week.isoformat(), f"{ledger.iso_week(week)} ({week:%d.%m.})")
        for week in ledger.weeks_from(selectors.current_week(), count)
    ]


class OwnOrderForm(KeyedForm):
    product_class = forms.ModelChoiceField(queryset=ProductClass.objects.all(), label=_("Product class"))
    quantity = forms.IntegerField(label=_("Units"), min_value=1, max_value=10_000)
    due_week = forms.TypedChoiceField(label=_("Due week"), choices=(), coerce=datetime.date.fromisoformat)
    note = forms.CharField(label=_("Customer or note"), max_length=255, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_class"].queryset = member.skills.all() or ProductClass.objects.all()
        self.fields["due_week"].choices = week_choices()


class ContactForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["phone", "address"]


class MemberBoardForm(forms.ModelForm):
    """The board's edit of a profile, with a capacity field per product class (blank: the weekly one)."""

    name = forms.CharField(label=_("Workshop name"), max_length=128)

    class Meta:
        model = Member
        fields = [
            "name",
            "workers",
            "phone",
            "address",
            "latitude",
            "longitude",
            "weekly_capacity",
            "joined",
            "status",
            "skills",
        ]
        widgets = {"skills": forms.CheckboxSelectMultiple, "joined": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].initial = self.instance.partner.name
        overrides = {o.product_class_id: o.weekly_capacity for o in self.instance.class_capacities.all()}
        self.classes = list(ProductClass.objects.order_by("name"))
        for pc in self.classes:
            self.fields[f"capacity_{pc.pk}"] = forms.IntegerField(
                label=_("Weekly capacity for %(class)s") % {"class": pc.name},
                min_value=0,
                max_value=ledger.MAX_WEEKLY_CAPACITY,
                required=False,
                initial=overrides.get(pc.pk),
            )

    def class_capacities(self) -> dict:
        return {pc: self.cleaned_data.get(f"capacity_{pc.pk}") for pc in self.classes}

    def profile_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f not in ("name", "skills")}


class ImportForm(forms.Form):
    KINDS = [
        ("members", _("Members")),
        ("stock", _("Opening stock of products")),
        ("materials", _("Opening balances of materials")),
    ]
    kind = forms.ChoiceField(label=_("What to import"), choices=KINDS)
    file = forms.FileField(label=_("CSV file"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            raw = upload.read()
            try:
                data["content"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text; save it as CSV UTF-8.")) from None
        if not data.get("content"):
            raise forms.ValidationError(_("Choose a CSV file."))
        return data
