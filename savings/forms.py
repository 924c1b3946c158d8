"""Forms of simpan-pinjam: they check the shape of the input; the services decide (and name the field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import Material, Member

from .models import Channel, Group, LoanProduct, SavingsKind


def _members():
    return Member.objects.active().select_related("partner").order_by("code")


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.partner.name}"


class RupiahField(forms.IntegerField):
    """Whole rupiah; "150.000" as Indonesians write it is read as 150000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("Rp", "").replace(" ", "")
            if value.count(".") and all(len(p) == 3 for p in value.split(".")[1:]):
                value = value.replace(".", "")
        return super().to_python(value)


def yes_no(label):
    """A yes/no question as two radio buttons (the shared form partial renders radios, not a lone checkbox)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("0", _("No")), ("1", _("Yes"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
        required=False,
        empty_value=False,
    )


class DepositForm(forms.Form):
    member = MemberChoice(label=_("Member"), queryset=_members())
    kind = forms.ChoiceField(label=_("Savings"), choices=SavingsKind.choices)
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=10_000_000_000)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    member_agreed = yes_no(_("The member agreed to the deduction"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=90)


class WithdrawForm(forms.Form):
    member = MemberChoice(label=_("Member"), queryset=_members())
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=10_000_000_000)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    key = forms.CharField(widget=forms.HiddenInput, max_length=90)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Savings"),
        choices=[(SavingsKind.POKOK, SavingsKind.POKOK.label), (SavingsKind.WAJIB, SavingsKind.WAJIB.label)],
    )
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=100_000_000)
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    min_amount = RupiahField(label=_("Smallest loan (Rp)"), min_value=1, max_value=1_000_000_000)
    max_amount = RupiahField(label=_("Largest loan (Rp)"), min_value=1, max_value=1_000_000_000)
    instalments = forms.IntegerField(label=_("Number of instalments"), min_value=1, max_value=120)
    frequency = forms.ChoiceField(label=_("Instalments"), choices=LoanProduct.Frequency.choices)
    jasa_percent = forms.DecimalField(label=_("Jasa (%)"), min_value=0, max_value=20, decimal_places=2, max_digits=5)
    jasa_method = forms.ChoiceField(label=_("Jasa"), choices=LoanProduct.Method.choices)
    for_groups = yes_no(_("For groups"))
    in_kind = yes_no(_("In kind (paket usaha)"))


class GroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=80)
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=80, required=False)
    leader = MemberChoice(label=_("Leader"), queryset=_members())
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=_members(), widget=forms.CheckboxSelectMultiple
    )


class LoanForm(forms.Form):
    """One member's loan, or a group's: "m01=25000, m02=25000" for each member's amount (for a loan in kind the
        codes alone, "m01, m02": each owes the package's value). A package: "kulit-sapi-b=1,5@4000; benang=30@100"
    (semicolons between materials, so a quantity may have a decimal comma)."""

    product = forms.ModelChoiceField(label=_("Loan product"), queryset=LoanProduct.objects.filter(active=True))
    group = forms.ModelChoiceField(label=_("Group (kelompok)"), queryset=Group.objects.all(), required=False)
    shares = forms.CharField(
        label=_("Borrowers and amounts"),
        help_text=_(
            "Member code and amount, separated by commas, e.g. m01=25000, m02=25000 (for a loan in kind the codes "
            "alone)."
        ),
        max_length=1000,
    )
    fundings = forms.CharField(
        label=_("Funded from simpanan sukarela (optional)"),
        help_text=_("Funder code and amount, e.g. m07=75000, m08=50000."),
        max_length=1000,
        required=False,
    )
    package = forms.CharField(
        label=_("Package for each borrower (loan in kind)"),
        help_text=_(
            "Material code = quantity @ price per unit, separated by semicolons, e.g. "
            "kulit-sapi-b=4@4000; sol-karet=2@3000."
        ),
        max_length=1000,
        required=False,
    )
    stock_from = MemberChoice(label=_("Materials from"), queryset=_members(), required=False)
    coop_stock = yes_no(_("The materials are the cooperative's (kept by that member)"))
    purpose = forms.CharField(label=_("Purpose"), max_length=160, required=False)

    def _pairs(self, name, *, amount_required=True):
        text = self.cleaned_data.get(name) or ""
        out = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            code, _sep, amount = part.partition("=")
            member = Member.objects.filter(code=code.strip()).first()
            if member is None or (amount_required and not amount.strip()):
                raise forms.ValidationError(_("Write each as member code = amount, e.g. m01=25000."))
            out.append((member, amount.strip().replace(".", "") or None))
        return out

    def clean_shares(self):
        # A loan in kind takes the codes alone; the service refuses a money loan without amounts on this field.
        return self._pairs("shares", amount_required=False)

    def clean_fundings(self):
        return self._pairs("fundings")

    def clean_package(self):
        text = self.cleaned_data.get("package") or ""
        out = []
        for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
            code, _sep, rest = part.partition("=")
            quantity, _at, price = rest.partition("@")
            material = Material.objects.filter(code=code.strip(), active=True).first()
            if material is None or not quantity.strip() or not price.strip():
                raise forms.ValidationError(
                    _("Write each as material code = quantity @ price per unit, e.g. kulit-sapi-b=4@4000.")
                )
            out.append((material, quantity.strip().replace(",", "."), price.strip().replace(".", "")))
        return out


class DisburseForm(forms.Form):
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)


class RepayForm(forms.Form):
    member = MemberChoice(label=_("Member"), queryset=_members())
    amount = RupiahField(label=_("Amount (Rp)"), min_value=1, max_value=10_000_000_000)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    early = yes_no(_("Early repayment (pay the loan off)"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=90)


class ShuForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    surplus = RupiahField(label=_("Surplus (Rp)"), min_value=1, max_value=10_000_000_000)
    savings_percent = forms.DecimalField(
        label=_("Share by savings (%)"), min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    sales_percent = forms.DecimalField(
        label=_("Share by sales (%)"), min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
