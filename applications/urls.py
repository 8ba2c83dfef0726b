from django.urls import path

from applications.views import documents, request_page, steps

app_name = "applications"

urlpatterns = [
    path("demandes/nouvelle/<slug:fund_slug>/", request_page.start_application, name="start_application"),
    path("demandes/<int:pk>/", request_page.application_detail, name="application_detail"),
    path("demandes/<int:pk>/etape/<slug:step>/", steps.application_step, name="application_step"),
    path("demandes/<int:pk>/recepisse.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("demandes/<int:pk>/messages/", request_page.post_message, name="post_message"),
    path("demandes/<int:pk>/retirer/", request_page.withdraw_application, name="withdraw_application"),
    path("demandes/<int:pk>/pieces/<int:attachment_pk>/", documents.download_attachment, name="download_attachment"),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/supprimer/",
        documents.delete_attachment,
        name="delete_attachment",
    ),
]
