"""Import in the browser: upload a .zip, read the dry-run report, confirm to import.

Administrators only. Between the two steps the bundle waits under VAR_DIR/imports/<token>.zip,
reachable only by the user who uploaded it (uploads.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samspil.interchange.forms import UploadForm
from samspil.interchange.permissions import require_import_permission
from samspil.interchange.services import MAX_PROBLEMS_SHOWN, ImportResult, bundle_import
from samspil.interchange.uploads import upload_discard, upload_path, upload_store

SESSION_KEY = "interchange_uploads"


def _render(request: HttpRequest, *, form: UploadForm, result: ImportResult | None = None,
            token: str = "", status: int = 200) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "result": result, "token": token,
                               "max_shown": MAX_PROBLEMS_SHOWN}
    if result is not None:
        context["hidden"] = result.problem_count - len(result.problems_shown)
    return render(request, "interchange/upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    require_import_permission(request.user)
    if request.method == "GET":
        return _render(request, form=UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=400)
    user: Any = request.user
    token = upload_store(user_id=user.pk, chunks=form.cleaned_data["bundle"].chunks())
    path = upload_path(token=token, user_id=user.pk)
    assert path is not None
    result = bundle_import(actor=user, path=path, organisation=user.organisation, dry_run=True)
    if result.ok:
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
    else:
        upload_discard(token=token)
        token = ""
    return _render(request, form=UploadForm(), result=result, token=token)


@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    require_import_permission(request.user)
    user: Any = request.user
    path = upload_path(token=token, user_id=user.pk)
    if path is None or token not in request.session.get(SESSION_KEY, []):
        raise Http404
    result = bundle_import(actor=user, path=path, organisation=user.organisation)
    upload_discard(token=token)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    if not result.ok:
        # The database changed between the dry run and the confirmation.
        return _render(request, form=UploadForm(), result=result, status=409)
    messages.success(request, _("The bundle was imported."))
    return _render(request, form=UploadForm(), result=result)


@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    require_import_permission(request.user)
    user: Any = request.user
    if upload_path(token=token, user_id=user.pk) is None:
        raise Http404
    upload_discard(token=token)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("interchange:upload")
