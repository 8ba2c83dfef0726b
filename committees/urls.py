"""Committee pages, included under /comites/."""

from django.urls import path

from committees.views import committees, dossiers, items, payments, selection, sessions

app_name = "committees"

urlpatterns = [
    path("", committees.committee_list, name="committee_list"),
    path("<id:pk>/", committees.committee_detail, name="committee_detail"),
    path("<id:pk>/reglages/", committees.committee_settings, name="committee_settings"),
    path("<id:pk>/membres/ajouter/", committees.member_add, name="member_add"),
    path("membres/<id:pk>/modifier/", committees.member_edit, name="member_edit"),
    path("membres/<id:pk>/liens/ajouter/", committees.member_link_add, name="member_link_add"),
    path("<id:pk>/seances/nouvelle/", sessions.session_create, name="session_create"),
    path("seances/<id:pk>/", sessions.session_detail, name="session_detail"),
    path("seances/inscrire-la-selection/", selection.agenda_selection, name="agenda_selection"),
    path("seances/<id:pk>/ordre-du-jour/preparer/", sessions.build_agenda, name="build_agenda"),
    path("seances/<id:pk>/ordre-du-jour/ajouter/", sessions.add_item, name="add_item"),
    path("seances/<id:pk>/convocations/", sessions.send_convocations, name="send_convocations"),
    path("seances/<id:pk>/ouvrir/", sessions.open_session, name="open_session"),
    path("seances/<id:pk>/presences/", sessions.record_attendance, name="record_attendance"),
    path("seances/<id:pk>/clore/", sessions.close_session, name="close_session"),
    path("seances/<id:pk>/proces-verbal.pdf", sessions.minutes_pdf, name="minutes_pdf"),
    path("seances/<id:pk>/points/<id:item_pk>/retirer/", sessions.remove_item, name="remove_item"),
    path("seances/<id:pk>/points/<id:item_pk>/ouvrir-le-vote/", items.start_vote, name="start_vote"),
    path("seances/<id:pk>/points/<id:item_pk>/deport/", items.declare_recusal, name="declare_recusal"),
    path("seances/<id:pk>/points/<id:item_pk>/votes/", items.record_votes, name="record_votes"),
    path("seances/<id:pk>/points/<id:item_pk>/votes/corriger/", items.correct_vote, name="correct_vote"),
    path("seances/<id:pk>/points/<id:item_pk>/decision/", items.decide, name="decide"),
    path("seances/<id:pk>/points/<id:item_pk>/rectifier/", items.amend_decision, name="amend_decision"),
    path("seances/<id:pk>/points/<id:item_pk>/notification.pdf", items.letter_pdf, name="letter_pdf"),
    path("seances/<id:pk>/points/<id:item_pk>/dossier/", dossiers.item_dossier, name="item_dossier"),
    path(
        "seances/<id:pk>/points/<id:item_pk>/pieces/<id:attachment_pk>/",
        dossiers.dossier_attachment,
        name="dossier_attachment",
    ),
    path("seances/<id:pk>/dossier-de-seance/", dossiers.session_pack, name="session_pack"),
    path("seances/<id:pk>/dossier-de-seance.pdf", dossiers.session_pack_pdf, name="session_pack_pdf"),
    path("seances/<id:pk>/convocations.pdf", dossiers.convocation_letters_pdf, name="convocation_letters_pdf"),
    path(
        "seances/<id:pk>/convocations/<id:member_pk>.pdf",
        dossiers.convocation_letter_pdf,
        name="convocation_letter_pdf",
    ),
    path("fonds/<slug:slug>/versements/", payments.payments, name="payments"),
    path("fonds/<slug:slug>/versements.csv", payments.payments_csv, name="payments_csv"),
    path("fonds/<slug:slug>/versements.xlsx", payments.payments_xlsx, name="payments_xlsx"),
]
