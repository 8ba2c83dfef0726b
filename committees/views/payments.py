"""The payments of a fund: the statement (co-funders' staff read it), the form to record one, the CSV."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.workflow import Status
from committees import forms, selectors, services
from committees.access import (
    get_fund_for_user,
)
from committees.documents import payments_export
from committees.models import Payment
from committees.views.common import form_errors
from core.forms import run_service
from core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, write_csv
from core.templatetags.portal_format import format_money
from funds.models import Fund

# The stable CSV headers (docs/exports.md), declared once with their French XLSX headers in payments_export.
PAYMENT_CSV_HEADERS = payments_export.HEADERS


def payment_initial(request, fund: Fund, statement) -> dict:
    """The form starts from the request chosen in the statement (?demande=): the advance, or what is left."""
    initial = {"paid_on": timezone.localdate(), "method": Payment.Method.TRANSFER}
    try:
        chosen = int(request.GET.get("demande", ""))
    except ValueError:
        return initial
    line = next((line for line in statement.lines if line.pk == chosen), None)
    if line is None:
        return initial
    initial["application"] = line.pk
    if line.status == Status.BILAN_ACCEPTED:
        initial.update(kind=Payment.Kind.BALANCE, amount=line.to_pay)
    else:
        initial.update(kind=Payment.Kind.ADVANCE, amount=selectors.advance_amount(fund=fund, granted=line.granted))
    return initial


def _record_payment(request, fund, form, data: dict):
    application = form.chosen_application()
    application.fund = fund
    return services.record_payment(
        user=request.user,
        application=application,
        kind=data["kind"],
        paid_on=data["paid_on"],
        method=data["method"],
        reference=data["reference"],
        amount=data["amount"],
    )


@login_required
def payments(request, slug: str):
    """The statement of payments of a fund. Co-funders' staff read it; only the association's staff record."""
    access = get_fund_for_user(request.user, slug, to_run=request.method == "POST")
    fund, can_record = access.fund, access.can_run
    statement = selectors.payments_statement(fund=fund)
    form = None
    if request.method == "POST":
        form = forms.PaymentForm(request.POST, lines=statement.lines)
        done, payment = run_service(form, lambda data: _record_payment(request, fund, form, data))
        if done:
            messages.success(
                request,
                _("Versement enregistré : %(kind)s de %(amount)s pour la demande %(ref)s.")
                % {
                    "kind": payment.get_kind_display().lower(),
                    "amount": format_money(payment.amount),
                    "ref": form.chosen_application().display_reference,
                },
            )
            return redirect("committees:payments", slug=fund.slug)
    elif can_record:
        form = forms.PaymentForm(lines=statement.lines, initial=payment_initial(request, fund, statement))
    context = {
        "fund": fund,
        "statement": statement,
        "form": form,
        "can_record": can_record,
        "errors": form_errors(form) if form is not None and form.is_bound else [],
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "committees/payments.html", context, status=status)


@login_required
def payments_csv(request, slug: str):
    """The statement in CSV: UTF-8 with a byte order mark, `;`, stable English headers (docs/exports.md)."""
    fund = get_fund_for_user(request.user, slug).fund
    rows = selectors.payment_export_rows(statement=selectors.payments_statement(fund=fund))
    stream = io.StringIO()
    write_csv(stream, headers=PAYMENT_CSV_HEADERS, rows=payments_export.csv_rows(rows))
    response = HttpResponse(stream.getvalue(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{payments_export.filename(fund.slug, "csv")}"'
    return response


@login_required
def payments_xlsx(request, slug: str):
    """The statement for people: French headers, kinds and methods in French, number and date cells."""
    fund = get_fund_for_user(request.user, slug).fund
    rows = selectors.payment_export_rows(statement=selectors.payments_statement(fund=fund))
    response = HttpResponse(payments_export.xlsx_bytes(rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{payments_export.filename(fund.slug, "xlsx")}"'
    return response
