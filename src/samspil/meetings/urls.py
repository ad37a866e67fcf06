from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.meetings import views

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.fora, name="fora"),
    path("<int:pk>/", views.forum, name="forum"),
    path("<int:pk>/rediger/", views.forum_edit, name="forum_edit"),
    path("<int:pk>/medlemmer/ny/", views.member_add, name="member_add"),
    path("medlemmer/<int:pk>/", views.member_edit, name="member_edit"),
    path("medlemmer/<int:pk>/udtraeder/", views.member_end, name="member_end"),
    path("moedefrekvens/", views.compliance, name="compliance"),
    path("moeder/", views.meetings, name="meetings"),
    path("moeder/ny/", views.meeting_create, name="meeting_create"),
    path("moeder/<int:pk>/", views.meeting, name="meeting"),
    path("moeder/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("moeder/<int:pk>/punkter/ny/", views.agenda_item_add, name="agenda_item_add"),
    path("moeder/<int:pk>/deltagere/", views.attendance, name="attendance"),
    path("moeder/<int:pk>/handlinger/ny/", views.action_create, name="action_create"),
    path("moeder/<int:pk>/dagsorden.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("moeder/<int:pk>/referat.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("punkter/<int:pk>/referat/", views.minutes, name="minutes"),
    path("handlinger/", views.actions, name="actions"),
    path("handlinger/<int:pk>/udfoert/", views.action_done, name="action_done"),
    path("bekymringer/ny/", views.concern_raise, name="concern_raise"),
    path("bekymringer/<int:pk>/", views.concern, name="concern"),
    path("bekymringer/<int:pk>/identitet/", views.concern_identified,
         name="concern_identified"),
    path("personer/<int:pk>/videregivelser/", views.ledger, name="ledger"),
    path("videregivelser/", views.disclosures, name="disclosures"),
    path("psp/", views.psp, name="psp"),
    path("psp/udvaelg/", views.psp_select, name="psp_select"),
]
