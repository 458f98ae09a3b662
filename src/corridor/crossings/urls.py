from django.urls import path

from corridor.crossings import views

app_name = "crossings"

urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.manifest, name="manifest"),
    path(
        "batches/<int:pk>/clearance-list.<str:fmt>", views.manifest_export, name="manifest_export"
    ),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
]
