from django.urls import path

from corridor.accounts import views

app_name = "accounts"

urlpatterns = [
    path("break-glass/<str:kind>/<int:pk>/", views.break_glass_view, name="break_glass"),
]
