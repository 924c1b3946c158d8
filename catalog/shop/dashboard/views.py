"""The bank-statement upload: staff confirm every matching bank transfer in one step, after a dry run
(the matching and the all-or-nothing confirmation are in catalog/shop/order/statements.py)."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _, gettext_lazy
from django.views import generic

from catalog.shop.order import statements
from common.access import access
from common.roles import is_staff

SESSION_KEY = "guyub_bank_statement"
MAX_BYTES = 1024 * 1024


class StatementForm(forms.Form):
    statement = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy("Columns date, description and amount; the transfer reference in the description."),
    )


@method_decorator(access(is_staff), name="dispatch")
class TransferStatementView(generic.TemplateView):
    template_name = "guyub_dashboard/transfer_statement.html"

    def get_context_data(self, **kwargs):
        return {"form": StatementForm(), **super().get_context_data(**kwargs)}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "apply":
            return self._apply(request)
        form = StatementForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["statement"]
        if upload.size > MAX_BYTES:
            form.add_error("statement", _("The statement is larger than 1 MB."))
            return self.render_to_response(self.get_context_data(form=form))
        content = upload.read()
        try:
            result = statements.dry_run(content)
        except statements.StatementError as error:
            form.add_error("statement", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        text = content.decode("utf-8-sig")
        request.session[SESSION_KEY] = text
        digest = hashlib.sha256(text.encode()).hexdigest()
        return self.render_to_response(self.get_context_data(form=form, result=result, digest=digest))

    def _apply(self, request):
        text = request.session.get(SESSION_KEY)
        if not text or hashlib.sha256(text.encode()).hexdigest() != request.POST.get("digest"):
            messages.error(request, _("Upload the statement again and check the dry run first."))
            return redirect("dashboard:transfer-statement")
        expected = [r for r in request.POST.get("references", "").split(",") if r]
        try:
            confirmed = statements.apply(text, user=request.user, expected=expected)
        except statements.StatementError as error:
            messages.error(request, str(error))
            return redirect("dashboard:transfer-statement")
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("%(count)s bank transfers confirmed: %(references)s.")
            % {"count": len(confirmed), "references": ", ".join(confirmed)},
        )
        return redirect("dashboard:transfer-statement")
