from django.urls import path

from reports import annual_views as views

app_name = "annual"

urlpatterns = [
    path("rapports/<slug:slug>/<id:year>/", views.annual_report, name="report"),
    path("rapports/<slug:slug>/<id:year>/rapport.pdf", views.annual_report_pdf, name="report_pdf"),
    path("rapports/<slug:slug>/<id:year>/rapport.xlsx", views.annual_report_xlsx, name="report_xlsx"),
    path("financeurs/", views.dashboard, name="dashboard"),
    path("financeurs/export.csv", views.dashboard_csv, name="dashboard_csv"),
    path("financeurs/export.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("projets/", views.showcase_list, name="showcase"),
    path("projets/<id:pk>/", views.showcase_detail, name="showcase_project"),
    path("projets/<id:pk>/photos/<id:photo_pk>/", views.showcase_photo, name="showcase_photo"),
]
