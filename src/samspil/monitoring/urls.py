from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.monitoring import views

app_name = "monitoring"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.board, name="board"),
    path("stroem/", views.feed, name="feed"),
    path("alarmer.json", views.alerts_json, name="alerts_json"),
    path("alarmer/<int:pk>/kvitter/", views.acknowledge, name="acknowledge"),
    path("alarmer/<int:pk>/eskaler/", views.escalate, name="escalate"),
    path("alarmer/<int:pk>/bekraeft/", views.confirm, name="confirm"),
    path("ordrer/<int:pk>/", views.order_detail, name="order"),
]
