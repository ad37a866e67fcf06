from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.risk import views

app_name = "risk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("koersel/", views.run_start, name="run"),
    path("fund/<int:pk>/", views.hit_detail, name="hit"),
    path("fund/<int:pk>/socialrapport/", views.hit_report, name="hit_report"),
    path("fund/<int:pk>/ingen-handling/", views.hit_dismiss, name="hit_dismiss"),
    path("regler/", views.rules, name="rules"),
    path("regler/<int:pk>/aktiver/", views.rule_activate, name="rule_activate"),
]
