from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("poster/", views.records, name="records"),
    path("aarsrapport/<slug:district>/<int:year>/", views.annual_page, name="annual"),
    path("aarsrapport/<slug:district>/<int:year>/<slug:fmt>/", views.annual_download,
         name="annual_download"),
]
