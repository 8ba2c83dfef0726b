from django.urls import path

from reports.views import bilan, lists, review, sections

app_name = "reports"

urlpatterns = [
    path("bilans/", lists.staff_bilans, name="staff_bilans"),
    path("bilans/mes-bilans/", lists.my_bilans, name="my_bilans"),
    path("demandes/<id:pk>/bilan/", bilan.bilan_page, name="bilan"),
    path("demandes/<id:pk>/bilan/commencer/", bilan.start_bilan, name="start_bilan"),
    path("demandes/<id:pk>/bilan/bilan.pdf", bilan.bilan_pdf, name="bilan_pdf"),
    path("demandes/<id:pk>/bilan/accepter/", review.accept_bilan, name="accept_bilan"),
    path("demandes/<id:pk>/bilan/renvoyer/", review.return_bilan, name="return_bilan"),
    path("demandes/<id:pk>/bilan/relancer/", lists.remind_holder, name="remind_holder"),
    path("demandes/<id:pk>/bilan/cloturer/", review.close_application, name="close_application"),
    path("demandes/<id:pk>/bilan/pieces/<id:attachment_pk>/", bilan.download_attachment, name="download_attachment"),
    path(
        "demandes/<id:pk>/bilan/pieces/<id:attachment_pk>/supprimer/",
        bilan.delete_attachment,
        name="delete_attachment",
    ),
    path("demandes/<id:pk>/bilan/<slug:section>/", sections.bilan_section, name="bilan_section"),
]
