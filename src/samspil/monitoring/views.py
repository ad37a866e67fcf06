"""The operations board (live alerts), the operators' actions, and an order's page with a replay.

Live without reloading: ``feed`` is a server-sent-events stream that looks for new alerts as soon
as a write the board shows is committed (``wakeup``: in-process, and PostgreSQL LISTEN/NOTIFY across
processes) and at least every POLL_SECONDS, for STREAM_SECONDS; then it ends, and the browser's
EventSource reconnects by itself and resumes after the last alert id it got. Reads go through ``selectors``, writes through ``services``.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from samspil.access.policy import AccessDenied
from samspil.monitoring import selectors, services, wakeup
from samspil.monitoring.constants import BREACH_TYPES, AlertStatus, AlertTypeChoice
from samspil.monitoring.models import Alert, MonitoringOrder
from samspil.monitoring.orders import to_core_order
from samspil.monitoring.replay import ReplayInputError, load_positions, replay

# A stream ends after this long and the browser reconnects: no request lives for ever, and a
# proxy's idle timeout never cuts one mid-event.
STREAM_SECONDS = 55.0
POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
MAX_REPLAY_BYTES = 20 * 1024 * 1024


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All")), *AlertStatus.choices])
    type = forms.ChoiceField(label=gettext_lazy("Alert"), required=False,
                             choices=[("", gettext_lazy("All")), *AlertTypeChoice.choices])
    order_id = forms.CharField(label=gettext_lazy("Monitoring order"), required=False,
                               max_length=40)


class ReplayForm(forms.Form):
    positions = forms.FileField(
        label=gettext_lazy("Track (POSITIONS.csv)"),
        help_text=gettext_lazy("device_id,time,lat,lon,accuracy_m,battery,tamper"),
    )


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M:%S")


def alert_payload(alert: Alert) -> dict[str, Any]:
    """What the board shows of an alert, already translated and formatted for Copenhagen."""
    return {
        "id": alert.pk,
        "order_id": alert.order.order_id,
        "order_url": reverse("monitoring:order", args=[alert.order_id]),
        "type": alert.type,
        "type_label": str(alert.get_type_display()),
        "zone_id": alert.zone_id,
        "device_id": alert.device_id,
        "time": alert.time.isoformat(),
        "time_display": _local(alert.time),
        "status": alert.status,
        "status_label": str(alert.get_status_display()),
        "note": alert.note,
        "confirmable": alert.type in BREACH_TYPES and alert.breach_incident_id is None,
        "incident": alert.breach_incident.journal_no if alert.breach_incident is not None else "",
        **_action_urls(alert.pk),
    }


def _action_urls(pk: int | str) -> dict[str, str]:
    # Reversed with 0 and patched, so the placeholder row can carry "__ID__" for board.js.
    return {
        f"{action}_url": reverse(f"monitoring:{action}", args=[0]).replace("/0/", f"/{pk}/")
        for action in ("acknowledge", "escalate", "confirm")
    }


PLACEHOLDER = {"id": "__ID__", "status": "new", "confirmable": True}


def _board_filters(request: HttpRequest) -> selectors.BoardFilters:
    return selectors.BoardFilters.from_query(request.GET)


def _require_board(request: HttpRequest) -> None:
    try:
        selectors.require_board(request.user)
    except AccessDenied as error:
        raise PermissionDenied(str(error)) from None


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    filters = _board_filters(request)
    # Read the cursor before the list: an alert raised in between is streamed, never skipped.
    after = selectors.last_alert_id()
    alerts = selectors.board_alerts(user=request.user, filters=filters)
    return render(request, "monitoring/board.html", {
        "alerts": [alert_payload(alert) for alert in alerts],
        "filter_form": FilterForm(request.GET or None),
        "after": after,
        "query": request.GET.urlencode(),
        "flags": selectors.stalking_flags(user=request.user),
        "stalking_text": selectors.stalking_text(),
        "placeholder": {**PLACEHOLDER, **_action_urls("__ID__")},
        "board_url": request.get_full_path(),
    })


@require_GET
def alerts_json(request: HttpRequest) -> JsonResponse:
    """New alerts since ``after`` as JSON: for scripts and for browsers without EventSource."""
    _require_board(request)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    alerts = selectors.alerts_after(user=request.user, after_id=after,
                                    filters=_board_filters(request))
    return JsonResponse({"alerts": [alert_payload(alert) for alert in alerts],
                         "last_id": alerts[-1].pk if alerts else after})


def _event(name: str, data: dict[str, Any], event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@require_GET
def feed(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events: ``alert`` for each new alert, ``update`` when operators act on one."""
    _require_board(request)
    filters = _board_filters(request)
    user = request.user
    try:
        after = int(request.headers.get("Last-Event-ID") or request.GET.get("after") or 0)
    except ValueError:
        after = 0

    def stream() -> Iterator[str]:
        cursor = max(0, after)
        since = timezone.now() - timedelta(seconds=2)
        deadline = time.monotonic() + STREAM_SECONDS
        quiet_since = time.monotonic()
        yield "retry: 1000\n\n"
        while True:
            # Read before looking: an announcement made while we look ends the wait below at once.
            seen = wakeup.generation()
            checked = timezone.now()
            for alert in selectors.alerts_after(user=user, after_id=cursor, filters=filters):
                cursor = alert.pk
                quiet_since = time.monotonic()
                yield _event("alert", alert_payload(alert), alert.pk)
            for alert in selectors.alerts_changed(user=user, since=since, up_to_id=cursor,
                                                  filters=filters):
                yield _event("update", alert_payload(alert))
            # Overlap a little: a change committed just before `checked` may carry an earlier
            # timestamp than a change already seen. The browser applies updates idempotently.
            since = checked - timedelta(seconds=1)
            if time.monotonic() >= deadline:
                break
            if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield ": keepalive\n\n"
            # Each look is short; let the connection go back to the pool rules between looks.
            close_old_connections()
            # Woken by a commit that announced itself; the poll is the bound for writes no
            # notification reaches (another process on SQLite).
            wakeup.wait(seen, POLL_SECONDS)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx must not buffer the stream
    return response


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("monitoring:board")
    return HttpResponseRedirect(target)


def _alert_or_404(request: HttpRequest, pk: int) -> Alert:
    try:
        return selectors.alert_get(user=request.user, pk=pk)
    except Alert.DoesNotExist:
        raise Http404 from None
    except AccessDenied:
        raise Http404 from None


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_board(request)
    alert = _alert_or_404(request, pk)
    note = request.POST.get("note", "")
    try:
        if action == "acknowledge":
            services.alert_acknowledge(actor=request.user, alert=alert, note=note)
            messages.success(request, _("The alert is acknowledged."))
        elif action == "escalate":
            services.alert_escalate(actor=request.user, alert=alert, note=note)
            messages.success(request, _("The alert is escalated."))
        else:
            confirmed = services.alert_confirm_breach(actor=request.user, alert=alert, note=note)
            assert confirmed.breach_incident is not None
            messages.success(request, _("The breach is confirmed and registered as incident "
                                        "%(journal)s.") % {"journal":
                                                           confirmed.breach_incident.journal_no})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise Http404 from None
    return _back(request)


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "acknowledge")


@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "escalate")


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "confirm")


def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An order's configuration, its alerts, and a replay of an uploaded track against it."""
    _require_board(request)
    try:
        order = selectors.order_get(user=request.user, pk=pk)
    except MonitoringOrder.DoesNotExist:
        raise Http404 from None
    except AccessDenied:
        raise Http404 from None
    form = ReplayForm(request.POST or None, request.FILES or None)
    replayed: list[dict[str, str]] | None = None
    problem = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["positions"]
        if upload.size > MAX_REPLAY_BYTES:
            problem = _("The file is too large (at most 20 MB).")
        else:
            replayed, problem = _replay_upload(order, upload)
    return render(request, "monitoring/order.html", {
        "order": order,
        "zones": order.zones.order_by("zone_id"),
        "alerts": [alert_payload(alert) for alert in selectors.order_alerts(order=order)],
        "breaches": selectors.confirmed_breaches(order=order),
        "stalking": selectors.stalking_suspected(order=order),
        "stalking_text": selectors.stalking_text(),
        "form": form,
        "replayed": replayed,
        "problem": problem,
    })


def _replay_upload(order: MonitoringOrder, upload: Any) -> tuple[list[dict[str, str]] | None, str]:
    # The replay reads a file by name (it streams large tracks); a temporary copy it is.
    with tempfile.TemporaryDirectory(prefix="samspil-replay-") as folder:
        path = Path(folder) / "positions.csv"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            positions = load_positions(path)
        except ReplayInputError as error:
            params = {**error.params, "file": upload.name}
            return None, _(error.template) % params
    rows = []
    for alert in replay([to_core_order(order)], positions):
        rows.append({
            "time_display": _local(alert.time),
            "type_label": str(AlertTypeChoice(alert.type.value).label),
            "zone_id": alert.zone_id or "",
            "device_id": alert.device_id,
        })
    return rows, ""
