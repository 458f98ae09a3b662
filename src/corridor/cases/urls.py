from django.urls import path

from corridor.cases import action_views, list_views, views

app_name = "cases"

urlpatterns = [
    path("", list_views.case_list, name="list"),
    path("export.<str:fmt>", list_views.case_list_export, name="export"),
    path("receiving/", views.receiving_list, name="receiving"),
    path("receiving/export.<str:fmt>", views.receiving_export, name="receiving_export"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/fhir.json", views.case_fhir, name="fhir"),
    path("<str:reference>/urgency/", action_views.change_urgency, name="urgency"),
    path("<str:reference>/review/<str:decision>/", action_views.review, name="review"),
    path("<str:reference>/offer/", action_views.offer, name="offer"),
    path("<str:reference>/withdraw/", action_views.withdraw, name="withdraw"),
    path("<str:reference>/death/", action_views.death, name="death"),
    path("<str:reference>/documents/", action_views.attach_document, name="attach_document"),
    path(
        "<str:reference>/documents/<int:document_id>/",
        views.document_download,
        name="document",
    ),
    path(
        "<str:reference>/documents/<int:document_id>/withdraw/",
        action_views.withdraw_document,
        name="withdraw_document",
    ),
    path(
        "<str:reference>/offers/<int:offer_id>/<str:decision>/",
        action_views.answer,
        name="answer",
    ),
]
