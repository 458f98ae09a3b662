from django.urls import path

from corridor.interop import views

app_name = "interop"

urlpatterns = [
    path("", views.import_list, name="imports"),
    path("<int:pk>/", views.import_detail, name="import"),
    path("cases/", views.upload_cases, name="upload_cases"),
    path("cases/<str:token>/", views.preview_cases, name="preview_cases"),
    path("cases/<str:token>/rejected.csv", views.rejected_cases, name="rejected_cases"),
    path("returns/", views.upload_returns, name="upload_returns"),
    path("returns/<str:token>/", views.preview_returns, name="preview_returns"),
    path("returns/<str:token>/rejected.csv", views.rejected_returns, name="rejected_returns"),
]
