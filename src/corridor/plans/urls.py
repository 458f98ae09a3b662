from django.urls import path

from corridor.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new", views.proposal_new, name="new"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/accept", views.proposal_accept, name="accept"),
    path("<int:pk>/hold-back", views.proposal_hold_back, name="hold_back"),
]
