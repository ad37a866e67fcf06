from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from samspil.persons import views

app_name = "persons"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("ny/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/relationer/ny/", views.relation_add, name="relation_add"),
    path("<int:pk>/relationer/<int:relation_pk>/fjern/", views.relation_remove,
         name="relation_remove"),
    path("dubletter/", views.duplicates, name="duplicates"),
    path("dubletter/<int:survivor_pk>/<int:merged_pk>/", views.merge, name="merge"),
    path("sammenlaegninger/", views.merges, name="merges"),
    path("sammenlaegninger/<int:pk>/fortryd/", views.merge_undo, name="merge_undo"),
]
