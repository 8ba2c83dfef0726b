"""The staff back office, included under /equipe/."""

from django.urls import path

from applications import staff_views

app_name = "staff"

urlpatterns = [
    path("demandes/", staff_views.inbox_page, name="inbox"),
    path("demandes/export.csv", staff_views.inbox_csv, name="inbox_csv"),
    path("demandes/export.xlsx", staff_views.inbox_xlsx, name="inbox_xlsx"),
]
