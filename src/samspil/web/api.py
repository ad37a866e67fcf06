"""The API's URL table and its error format. Each app keeps its endpoints in its own api.py."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from samspil.accounts import api as accounts_api
from samspil.audit import api as audit_api
from samspil.cases import api as cases_api
from samspil.incidents import api as incidents_api
from samspil.interchange import api as interchange_api
from samspil.meetings import api as meetings_api
from samspil.monitoring import api as monitoring_api
from samspil.persons import api as persons_api
from samspil.plans import api as plans_api
from samspil.reports import api as reports_api
from samspil.risk import api as risk_api


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain errors to HTTP: a refusal is 403, a rule broken by the input is 400."""
    if isinstance(exc, PermissionDenied) and not isinstance(exc, exceptions.PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler (samspil.urls.handler404): an API client asking for a URL that does
    not exist — `/api/v1/cases/-1` — gets the API's JSON error, not the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


urlpatterns = [
    path("me", accounts_api.MeApi.as_view(), name="api-me"),
    path("organisations", accounts_api.OrganisationListApi.as_view(), name="api-organisations"),
    path("audit/entries", audit_api.AuditEntryListApi.as_view(), name="api-audit-entries"),
    *persons_api.urlpatterns,
    *incidents_api.urlpatterns,
    *cases_api.urlpatterns,
    *interchange_api.urlpatterns,
    *risk_api.urlpatterns,
    *meetings_api.urlpatterns,
    *plans_api.urlpatterns,
    *monitoring_api.urlpatterns,
    *reports_api.urlpatterns,
]
