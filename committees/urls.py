"""Committee pages, included under /comites/."""

from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="committee_list"),
    path("<id:pk>/", views.committee_detail, name="committee_detail"),
    path("<id:pk>/membres/ajouter/", views.member_add, name="member_add"),
    path("membres/<id:pk>/modifier/", views.member_edit, name="member_edit"),
    path("membres/<id:pk>/liens/ajouter/", views.member_link_add, name="member_link_add"),
    path("<id:pk>/seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<id:pk>/", views.session_detail, name="session_detail"),
    path("seances/<id:pk>/ordre-du-jour/preparer/", views.build_agenda, name="build_agenda"),
    path("seances/<id:pk>/ordre-du-jour/ajouter/", views.add_item, name="add_item"),
    path("seances/<id:pk>/convocations/", views.send_convocations, name="send_convocations"),
    path("seances/<id:pk>/ouvrir/", views.open_session, name="open_session"),
    path("seances/<id:pk>/presences/", views.record_attendance, name="record_attendance"),
    path("seances/<id:pk>/clore/", views.close_session, name="close_session"),
    path("seances/<id:pk>/proces-verbal.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("seances/<id:pk>/points/<id:item_pk>/retirer/", views.remove_item, name="remove_item"),
    path("seances/<id:pk>/points/<id:item_pk>/ouvrir-le-vote/", views.start_vote, name="start_vote"),
    path("seances/<id:pk>/points/<id:item_pk>/deport/", views.declare_recusal, name="declare_recusal"),
    path("seances/<id:pk>/points/<id:item_pk>/votes/", views.record_votes, name="record_votes"),
    path("seances/<id:pk>/points/<id:item_pk>/decision/", views.decide, name="decide"),
    path("seances/<id:pk>/points/<id:item_pk>/rectifier/", views.amend_decision, name="amend_decision"),
    path("seances/<id:pk>/points/<id:item_pk>/notification.pdf", views.letter_pdf, name="letter_pdf"),
    path("fonds/<slug:slug>/versements/", views.payments, name="payments"),
    path("fonds/<slug:slug>/versements.csv", views.payments_csv, name="payments_csv"),
]
