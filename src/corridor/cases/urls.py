from django.urls import path

from corridor.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("receiving/", views.receiving_list, name="receiving"),
    path("receiving/export.<str:fmt>", views.receiving_export, name="receiving_export"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/fhir.json", views.case_fhir, name="fhir"),
]
