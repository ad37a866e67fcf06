"""The public "Bestil en betjent" pages: no login (``public_view``), and nothing shown but the
citizen's own receipt and the status of their own request."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samspil.accounts.middleware import public_view
from samspil.cases.public.forms import OfficerRequestForm
from samspil.cases.services import CaseError
from samspil.cases.types import officer_requests as requests

RECEIPT_KEY = "samspil_officer_request_receipt"


def client_address(request: HttpRequest) -> str:
    """The client's address as the server sees it. A proxy in front must pass the real address
    on as REMOTE_ADDR (e.g. gunicorn's --forwarded-allow-ips); X-Forwarded-For from the client
    itself is never trusted, or anyone could dodge the limit by sending a new one each time."""
    return str(request.META.get("REMOTE_ADDR") or "-")


def _form_page(request: HttpRequest, form: OfficerRequestForm, *, status: int = 200,
               problem: str = "") -> HttpResponse:
    return render(request, "cases/public/form.html", {"form": form, "problem": problem},
                  status=status)


@public_view
def request_form(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, OfficerRequestForm())
    address = client_address(request)
    if requests.rate_limited(address=address):
        return _form_page(request, OfficerRequestForm(request.POST), status=429,
                          problem=_("You have sent too many requests in a short time. Wait ten "
                                    "minutes and try again."))
    form = OfficerRequestForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        receipt = requests.officer_request_submit(
            address=address,
            origin=data["origin"],
            municipality=data["municipality"],
            place=data["place"],
            wished_date=data["wished_date"],
            wished_date_alternative=data.get("wished_date_alternative"),
            description=data["description"],
            requester_kind=data["requester_kind"],
            contact_name=data["contact_name"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            consent_to_contact=bool(data.get("consent_to_contact")),
            honeypot=data.get("website", ""),
        )
    except requests.RateLimited:
        return _form_page(request, form, status=429,
                          problem=_("You have sent too many requests in a short time. Wait ten "
                                    "minutes and try again."))
    except requests.Rejected:
        return _form_page(request, OfficerRequestForm(), status=400,
                          problem=_("Your request could not be received. Please try again."))
    except CaseError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return _form_page(request, form, status=400)
    request.session[RECEIPT_KEY] = {"case_ref": receipt.case_ref, "token": receipt.token}
    return redirect("officer_request:receipt")


@public_view
def receipt(request: HttpRequest) -> HttpResponse:
    data = request.session.get(RECEIPT_KEY)
    if not data:
        return redirect("officer_request:form")
    status_url = request.build_absolute_uri(
        reverse("officer_request:status", args=[data["case_ref"], data["token"]])
    )
    return render(request, "cases/public/receipt.html", {
        "case_ref": data["case_ref"], "status_url": status_url,
    })


@public_view
def status(request: HttpRequest, case_ref: str, token: str) -> HttpResponse:
    found = requests.officer_request_public_status(case_ref=case_ref, token=token)
    if found is None:
        raise Http404
    response = render(request, "cases/public/status.html", {"status": found})
    # The link carries the secret token: keep it out of caches and referrers.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
