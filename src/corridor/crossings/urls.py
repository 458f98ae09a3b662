from django.urls import path

from corridor.crossings import assembly_views, batch_views, incident_views, log_views, views

app_name = "crossings"

urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", batch_views.batch_page, name="manifest"),
    path("batches/<int:pk>/submit/", batch_views.submit, name="batch_submit"),
    path("batches/<int:pk>/confirm/", batch_views.confirm, name="batch_confirm"),
    path("batches/<int:pk>/coordination/", batch_views.coordination, name="batch_coordination"),
    path("batches/<int:pk>/postpone/", batch_views.postpone, name="batch_postpone"),
    path("batches/<int:pk>/depart/", batch_views.depart, name="batch_depart"),
    path("batches/<int:pk>/close/", batch_views.close, name="batch_close"),
    path("batches/<int:pk>/release/", batch_views.release, name="batch_release"),
    path("batches/<int:pk>/clearances/", batch_views.clearances, name="batch_clearances"),
    path(
        "batches/<int:pk>/clearance-results/",
        batch_views.clearance_results,
        name="batch_clearance_results",
    ),
    path(
        "batches/<int:pk>/members/<int:member_pk>/outcome/",
        batch_views.member_outcome,
        name="member_outcome",
    ),
    path(
        "batches/<int:pk>/clearance-list.<str:fmt>", views.manifest_export, name="manifest_export"
    ),
    path("batches/<int:pk>/manifest.pdf", assembly_views.manifest_pdf, name="manifest_pdf"),
    path("batches/<int:pk>/check-in/", assembly_views.check_in, name="check_in"),
    path("log/", log_views.log_page, name="log"),
    path("log/find", log_views.find, name="log_find"),
    path("log/members/<int:pk>/crossed", log_views.mark_crossed, name="log_crossed"),
    path("log/members/<int:pk>/turned-back", log_views.mark_turned_back, name="log_turned_back"),
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("incidents/new/", incident_views.incident_record, name="incident_record"),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident"),
    path("incidents/<int:pk>/review/", incident_views.incident_review, name="incident_review"),
]
