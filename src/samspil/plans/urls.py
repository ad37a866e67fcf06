from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.plans import views

app_name = "plans"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plan_list, name="list"),
    path("ny/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/rediger/", views.plan_edit, name="edit"),
    path("<int:pk>/vedtag/", views.plan_adopt, name="adopt"),
    path("<int:pk>/evaluering/", views.evaluation, name="evaluation"),
    path("<int:pk>/samarbejdsplan.pdf", views.plan_document, name="pdf"),
    path("<int:pk>/fokusomraader/ny/", views.focus_area_add, name="focus_area_add"),
    path("fokusomraader/<int:pk>/", views.focus_area_edit, name="focus_area_edit"),
    path("fokusomraader/<int:pk>/aktiviteter/ny/", views.activity_add, name="activity_add"),
    path("fokusomraader/<int:pk>/indikatorer/ny/", views.indicator_add, name="indicator_add"),
    path("aktiviteter/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("indikatorer/<int:pk>/", views.indicator_edit, name="indicator_edit"),
]
