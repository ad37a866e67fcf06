from django.urls import path

from samspil.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("kontrol/", views.verify, name="verify"),
]
