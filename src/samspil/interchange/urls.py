from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.interchange import views

app_name = "interchange"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.upload, name="upload"),
    path("<str:token>/bekraeft/", views.confirm, name="confirm"),
    path("<str:token>/annuller/", views.cancel, name="cancel"),
]
