"""The staff back office, included under /equipe/."""

from django.urls import path

from applications import staff_inbox_views, staff_views

app_name = "staff"

urlpatterns = [
    path("demandes/", staff_inbox_views.inbox_page, name="inbox"),
    path("demandes/export.csv", staff_inbox_views.inbox_csv, name="inbox_csv"),
    path("demandes/export.xlsx", staff_inbox_views.inbox_xlsx, name="inbox_xlsx"),
    path("demandes/selection/", staff_inbox_views.inbox_selection, name="inbox_selection"),
    path("demandes/<id:pk>/", staff_views.application_page, name="application"),
    path("demandes/<id:pk>/instructeur/", staff_views.assign_instructor, name="assign_instructor"),
    path("demandes/<id:pk>/commencer/", staff_views.start_review, name="start_review"),
    path("demandes/<id:pk>/complement/", staff_views.request_completion, name="request_completion"),
    path("demandes/<id:pk>/recevable/", staff_views.declare_eligible, name="declare_eligible"),
    path("demandes/<id:pk>/non-recevable/", staff_views.declare_ineligible, name="declare_ineligible"),
    path("demandes/<id:pk>/grille/", staff_views.default_criteria, name="default_criteria"),
    path("demandes/<id:pk>/grille/<id:criterion_pk>/", staff_views.record_check, name="record_check"),
    path("demandes/<id:pk>/notes/", staff_views.add_note, name="add_note"),
    path("demandes/<id:pk>/grille/enregistrer/", staff_views.record_grid, name="record_grid"),
    path("demandes/<id:pk>/messages/", staff_views.post_staff_message, name="post_message"),
    path("demandes/pour-un-porteur/", staff_views.start_on_behalf, name="start_on_behalf"),
    path("demandes/<id:pk>/accord-du-porteur/", staff_views.holder_agreement, name="holder_agreement"),
    path("demandes/<id:pk>/inviter-le-porteur/", staff_views.invite_holder, name="invite_holder"),
]
