from django.urls import path

from reports.views import annual_reports, consolidated, dashboard, showcase

app_name = "annual"

urlpatterns = [
    path("rapports/<slug:slug>/<id:year>/", annual_reports.annual_report, name="report"),
    path("rapports/<slug:slug>/<id:year>/textes/", annual_reports.annual_narrative, name="report_narrative"),
    path("rapports/<slug:slug>/<id:year>/rapport-pdf/", annual_reports.annual_report_pdf_page, name="report_pdf_page"),
    path("rapports/<slug:slug>/<id:year>/rapport.pdf", annual_reports.annual_report_pdf, name="report_pdf"),
    path("rapports/<slug:slug>/<id:year>/rapport.xlsx", annual_reports.annual_report_xlsx, name="report_xlsx"),
    path("financeurs/", dashboard.dashboard, name="dashboard"),
    path("financeurs/export.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("financeurs/export.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("financeurs/rapport-consolide/<id:year>/", consolidated.consolidated_report, name="consolidated"),
    path("financeurs/rapport-consolide/<id:year>/rapport.pdf", consolidated.consolidated_pdf, name="consolidated_pdf"),
    path(
        "financeurs/rapport-consolide/<id:year>/rapport.xlsx", consolidated.consolidated_xlsx, name="consolidated_xlsx"
    ),
    path("projets/", showcase.showcase_list, name="showcase"),
    path("projets/<id:pk>/", showcase.showcase_detail, name="showcase_project"),
    path("projets/<id:pk>/photos/<id:photo_pk>/", showcase.showcase_photo, name="showcase_photo"),
]
