from django.urls import path

from portal import desk_views, outbox_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("equipe/bureau/", desk_views.desk, name="desk"),
    path("administration/journal/", views.audit_log, name="audit_log"),
    path("administration/e-mails/", outbox_views.outbox_page, name="outbox"),
    path("e-mails/<id:pk>/renvoyer/", outbox_views.resend_message, name="outbox_resend"),
    path("e-mails/renvoyer-les-echecs/", outbox_views.resend_failures, name="outbox_resend_failures"),
    path("mes-demandes/", views.my_applications, name="my_applications"),
    path("fonds/<slug:slug>/", views.fund_detail, name="fund_detail"),
]

# Under /compte/, beside the accounts app's pages, with their global names.
account_urlpatterns = [
    path("mes-donnees.json", views.data_export, name="account_data_export"),
    path("fermer/", views.close_account, name="account_close"),
]
