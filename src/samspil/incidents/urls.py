from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.incidents import views

app_name = "incidents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("ny/", views.register, name="register"),
    path("indberetning/", views.island_report, name="island_report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ret/", views.edit, name="edit"),
    path("<int:pk>/involverede/", views.involvement_add, name="involvement_add"),
    path("<int:pk>/involverede/<int:involvement_pk>/fjern/", views.involvement_remove,
         name="involvement_remove"),
    path("kategorier/", views.category_list, name="category_list"),
    path("kategorier/ny/", views.category_create, name="category_create"),
    path("kategorier/<int:pk>/", views.category_edit, name="category_edit"),
]
