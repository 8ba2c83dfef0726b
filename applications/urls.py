from django.urls import path

from applications import draft_views, views

app_name = "applications"

urlpatterns = [
    path("demandes/nouvelle/<slug:fund_slug>/", views.start_application, name="start_application"),
    path("demandes/<id:pk>/", views.application_detail, name="application_detail"),
    path("demandes/<id:pk>/etape/<slug:step>/", views.application_step, name="application_step"),
    path("demandes/<id:pk>/recepisse.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("demandes/<id:pk>/messages/", views.post_message, name="post_message"),
    path("demandes/<id:pk>/partager/", draft_views.share_draft, name="share_draft"),
    path("demandes/<id:pk>/retirer/", views.withdraw_application, name="withdraw_application"),
    path("demandes/<id:pk>/pieces/<id:attachment_pk>/", views.download_attachment, name="download_attachment"),
    path("demandes/<id:pk>/pieces/<id:attachment_pk>/supprimer/", views.delete_attachment, name="delete_attachment"),
]
