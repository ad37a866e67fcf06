from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from samspil.accounts.middleware import public_view
from samspil.web.start_pages import start_page_for, task_links


def home(request: HttpRequest) -> HttpResponse:
    role = request.user.primary_role  # type: ignore[union-attr]
    page = start_page_for(role)
    return render(
        request,
        "web/home.html",
        {"page": page, "role": role, "tasks": task_links(page) if page else []},
    )


@public_view
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
