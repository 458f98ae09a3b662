from django.urls import path

from corridor.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.registration_list, name="list"),
    path("<int:pk>/", views.registration_detail, name="detail"),
    path("<int:pk>/eligibility/", views.decide_eligibility, name="eligibility"),
    path("<int:pk>/call/", views.call, name="call"),
    path("lists/", views.return_lists, name="lists"),
    path("lists/build/", views.build_list, name="build"),
]
