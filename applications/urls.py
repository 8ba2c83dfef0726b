from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("demandes/nouvelle/<slug:fund_slug>/", views.start_application, name="start_application"),
    path("demandes/<int:pk>/", views.application_detail, name="application_detail"),
    path("demandes/<int:pk>/etape/<slug:step>/", views.application_step, name="application_step"),
    path("demandes/<int:pk>/recepisse.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("demandes/<int:pk>/messages/", views.post_message, name="post_message"),
    path("demandes/<int:pk>/retirer/", views.withdraw_application, name="withdraw_application"),
    path("demandes/<int:pk>/pieces/<int:attachment_pk>/", views.download_attachment, name="download_attachment"),
    path("demandes/<int:pk>/pieces/<int:attachment_pk>/supprimer/", views.delete_attachment, name="delete_attachment"),
]
