from django.urls import path

from corridor.web import preferences, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("reports/", views.reports, name="reports"),
    path("reports/hxl.csv", views.report_hxl, name="report_hxl"),
    path("reports/<str:name>.<str:fmt>", views.report_export, name="report_export"),
]
