from django.urls import path

from applications.views import documents, drafts, request_page, steps, takeover

app_name = "applications"

urlpatterns = [
    path("demandes/nouvelle/<slug:fund_slug>/", request_page.start_application, name="start_application"),
    path("demandes/reprendre/<str:token>/", takeover.take_over, name="take_over"),
    path("demandes/<id:pk>/", request_page.application_detail, name="application_detail"),
    path("demandes/<id:pk>/etape/<slug:step>/", steps.application_step, name="application_step"),
    path("demandes/<id:pk>/recepisse.pdf", documents.receipt_pdf, name="receipt_pdf"),
    path("demandes/<id:pk>/messages/", request_page.post_message, name="post_message"),
    path(
        "demandes/<id:pk>/messages/<id:message_pk>/fichier/",
        documents.download_message_attachment,
        name="message_attachment",
    ),
    path("demandes/<id:pk>/partager/", drafts.share_draft, name="share_draft"),
    path("demandes/<id:pk>/retirer/", request_page.withdraw_application, name="withdraw_application"),
    path("demandes/<id:pk>/pieces/<id:attachment_pk>/", documents.download_attachment, name="download_attachment"),
    path(
        "demandes/<id:pk>/pieces/<id:attachment_pk>/supprimer/",
        documents.delete_attachment,
        name="delete_attachment",
    ),
]
