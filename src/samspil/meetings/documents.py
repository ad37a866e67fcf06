"""Agenda and minutes as PDF (typst, samspil.core.pdf). Built from the same Agenda the meeting
page shows, so a concern appears de-identified on paper exactly as on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samspil.core.pdf import render_pdf
from samspil.meetings.selectors import ActionView, Agenda

TEMPLATE = Path(__file__).resolve().parent / "typst" / "meeting.typ"


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _action(view: ActionView) -> dict[str, str]:
    action = view.action
    owner = (action.owner_organisation.name if action.owner_organisation
             else str(action.owner_user) if action.owner_user else "")
    return {"title": view.title, "owner": owner, "due": _date(action.due_date),
            "status": str(action.get_status_display())}


def meeting_document_data(agenda: Agenda, *, minutes: bool) -> dict[str, Any]:
    """The document as plain JSON data, in Danish (the forum's working language)."""
    meeting = agenda.meeting
    with translation.override("da"):
        labels = {
            "forum": _("Forum"), "time": _("Time"), "place": _("Place"), "status": _("Status"),
            "attendance": _("Attendance"), "agenda": _("Agenda"),
            "no_items": _("No items on the agenda."),
            "deidentified": _("De-identified situation"), "age_band": _("Age"),
            "municipality": _("Home municipality"), "risk_factors": _("Risk factors"),
            "minutes": _("Minutes"), "decision": _("Decision"), "action": _("Action"),
            "due": _("due"), "carried": _("Open actions from earlier meetings"),
            "no_carried": _("No open actions."),
        }
        title = (_("Minutes: %(forum)s") if minutes else _("Agenda: %(forum)s")) % {
            "forum": meeting.forum.name}
        items = []
        for entry in agenda.entries:
            situation = None
            if entry.situation is not None:
                s = entry.situation
                situation = {"age_band": s.age_band_label, "municipality": s.municipality,
                             "risk_factors": list(s.risk_factor_labels),
                             "situation": s.situation, "status": s.status_label}
            items.append({
                "position": entry.item.position, "topic": entry.item.topic,
                "situation": situation, "minutes": entry.item.minutes,
                "decision": entry.item.decision,
                "actions": [_action(view) for view in entry.actions],
            })
        attendance = [{
            "name": row.member.display_name if row.member else row.guest_name,
            "organisation": (row.member.organisation.name if row.member
                             else row.guest_organisation),
            "presence": (_("present") if row.present else _("absent")) if row.member
            else _("guest"),
        } for row in agenda.attendance]
        return {
            "title": title,
            "district": meeting.forum.district.name,
            "forum": meeting.forum.name,
            "starts_at": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
            "place": meeting.place or "–",
            "status": str(meeting.get_status_display()),
            "show_minutes": minutes,
            "attendance": attendance,
            "items": items,
            "carried": [_action(view) for view in agenda.carried],
            "labels": labels,
        }


def meeting_pdf(agenda: Agenda, *, minutes: bool) -> bytes:
    return render_pdf(TEMPLATE, meeting_document_data(agenda, minutes=minutes),
                      timestamp=agenda.meeting.starts_at)
