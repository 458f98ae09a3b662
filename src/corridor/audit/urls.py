from django.urls import path

from corridor.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("break-glass/", views.break_glass_review, name="break_glass"),
    path("break-glass/<int:pk>/reviewed", views.mark_reviewed, name="mark_reviewed"),
]
