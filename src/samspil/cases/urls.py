from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.cases import views

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
]
