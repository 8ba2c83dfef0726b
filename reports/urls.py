from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("bilans/", views.staff_bilans, name="staff_bilans"),
    path("bilans/mes-bilans/", views.my_bilans, name="my_bilans"),
    path("demandes/<id:pk>/bilan/", views.bilan_page, name="bilan"),
    path("demandes/<id:pk>/bilan/commencer/", views.start_bilan, name="start_bilan"),
    path("demandes/<id:pk>/bilan/bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("demandes/<id:pk>/bilan/accepter/", views.accept_bilan, name="accept_bilan"),
    path("demandes/<id:pk>/bilan/renvoyer/", views.return_bilan, name="return_bilan"),
    path("demandes/<id:pk>/bilan/cloturer/", views.close_application, name="close_application"),
    path("demandes/<id:pk>/bilan/pieces/<id:attachment_pk>/", views.download_attachment, name="download_attachment"),
    path(
        "demandes/<id:pk>/bilan/pieces/<id:attachment_pk>/supprimer/",
        views.delete_attachment,
        name="delete_attachment",
    ),
    path("demandes/<id:pk>/bilan/<slug:section>/", views.bilan_section, name="bilan_section"),
]
