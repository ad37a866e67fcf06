from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.cases.public import views

app_name = "officer_request"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.request_form, name="form"),
    path("kvittering/", views.receipt, name="receipt"),
    path("status/<str:case_ref>/<str:token>/", views.status, name="status"),
]
