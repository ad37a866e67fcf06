from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samspil.audit.forms import AuditSearchForm
from samspil.audit.selectors import AuditQuery, audit_entries_search
from samspil.audit.verify import audit_verify


def search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    query = AuditQuery()
    if form.is_valid():
        query = AuditQuery(**{k: v for k, v in form.cleaned_data.items() if v})
    entries = audit_entries_search(user=request.user, query=query)  # type: ignore[arg-type]
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page_obj": page})


def verify(request: HttpRequest) -> HttpResponse:
    audit_entries_search(user=request.user, query=AuditQuery())  # type: ignore[arg-type]
    return render(request, "audit/verify.html", {"result": audit_verify()})
