from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.cases import views
from samspil.cases.types import views as type_views

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="index"),
    path("koe/<slug:slug>/", views.queue, name="queue"),
    path("fordel/", views.bulk_assign, name="bulk_assign"),
    path("ny/", views.open_choose, name="open_choose"),
    path("ny/<slug:case_type>/", views.open_case, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trin/<slug:action>/", views.transition, name="transition"),
    path("<int:pk>/notat/", views.note_add, name="note_add"),
    path("<int:pk>/tildel/", views.assign, name="assign"),
    # The case types' own operations (cases.types.views).
    path("<int:pk>/svar/", type_views.reply, name="reply"),
    path("<int:pk>/kontaktforsoeg/", type_views.contact_attempt, name="contact_attempt"),
    path("<int:pk>/henvis/", type_views.refer, name="refer"),
    path("<int:pk>/tilhold/", type_views.order_grant, name="order_grant"),
    path("<int:pk>/overtraedelse/", type_views.breach, name="breach"),
    path("<int:pk>/forlaeng/", type_views.area_ban_extend, name="area_ban_extend"),
    path("<int:pk>/maegler/", type_views.mediator, name="mediator"),
    path("<int:pk>/maegling-afsluttet/", type_views.mediation_close, name="mediation_close"),
    path("<int:pk>/plan/", type_views.plan_item_add, name="plan_item_add"),
    path("<int:pk>/plan/<int:item>/", type_views.plan_item_status, name="plan_item_status"),
    path("<int:pk>/start/", type_views.exit_start, name="exit_start"),
    path("<int:pk>/haendelser/", type_views.link_incidents, name="link_incidents"),
    path("<int:pk>/send/", type_views.send_report, name="send_report"),
    path("<int:pk>/kvitter/", type_views.acknowledge, name="acknowledge"),
]
