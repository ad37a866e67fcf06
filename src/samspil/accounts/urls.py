from django.urls import path

from samspil.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SamspilLoginView.as_view(), name="login"),
    path("bekraeft/", views.second_factor, name="second_factor"),
    path("tilmeld/", views.enrol, name="enrol"),
    path("logout/", views.sign_out, name="logout"),
]
