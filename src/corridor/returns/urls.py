from django.urls import path

from corridor.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.registration_list, name="list"),
]
