"""Pooling forms: decline a work order, post overflow, the board's routing settings."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from inventory import ledger
from inventory.models import Member, OwnOrder
from inventory.selectors import current_week

from .models import RoutingSettings
from .services.routing import MAX_OVERFLOW

Product = get_model("catalogue", "Product")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=255,
        help_text=_("E.g. no leather this month, a family event, the machine is broken."),
    )


class OverflowForm(forms.Form):
    product = forms.ModelChoiceField(queryset=None, label=_("Product (variant)"))
    quantity = forms.IntegerField(label=_("Units you hand to the pool"), min_value=1, max_value=MAX_OVERFLOW)
    due_week = forms.DateField(
        label=_("Needed by (any day of that week)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    own_order = forms.ModelChoiceField(queryset=None, required=False, label=_("For which of your own orders"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        # Any variant of the cooperative: the poster may hand over what it cannot make itself.
        self.fields["product"].queryset = (
            Product.objects.exclude(structure=Product.PARENT)
            .select_related("parent")
            .order_by("parent__title", "title", "pk")
        )
        self.fields["product"].label_from_instance = lambda p: p.get_title()
        self.fields["own_order"].queryset = OwnOrder.objects.filter(member=member, status=OwnOrder.Status.OPEN)
        self.fields["quantity"].widget.attrs.update(inputmode="numeric")

    def clean_due_week(self) -> datetime.date:
        week = ledger.week_start(self.cleaned_data["due_week"])
        if week < current_week():
            raise forms.ValidationError(_("The week has passed; pick this week or a later one."))
        return week


class RoutingSettingsForm(forms.ModelForm):
    class Meta:
        model = RoutingSettings
        fields = ["fairness", "distance", "preference", "response_hours"]
        help_texts = {
            "fairness": _("Cost per unit of utilisation: higher sends work to the least-loaded members first."),
            "distance": _("Cost per unit per km: higher keeps work close to where it came from."),
            "preference": _("Cost per unit not made by the buyer's or poster's preferred maker."),
            "response_hours": _("An offer unanswered this long counts as declined and is routed again."),
        }
