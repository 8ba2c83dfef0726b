from django.urls import path

from fiftyfifty import views

app_name = "fiftyfifty"

urlpatterns = [
    path("", views.showcase, name="showcase"),
    path("temps-fort/<id:year>/", views.highlight, name="highlight"),
    path("<slug:fund_slug>/proposer-une-idee/", views.propose, name="propose"),
    path("<slug:fund_slug>/declarer-une-initiative/", views.declare_initiative, name="declare_initiative"),
    path("mes-projets/", views.my_projects, name="my_projects"),
    path("projets/<id:pk>/", views.project, name="project"),
    path("projets/<id:pk>/convention.pdf", views.convention_pdf, name="convention_pdf"),
    path("projets/<id:pk>/convention-signee/", views.signed_copy, name="signed_copy"),
    path("projets/<id:pk>/signer/", views.sign, name="sign"),
    path("projets/<id:pk>/arreter/", views.abandon, name="abandon"),
    path("projets/<id:pk>/rencontre/", views.record_meeting, name="record_meeting"),
    path("projets/<id:pk>/engagements/", views.commitments, name="commitments"),
    path("projets/<id:pk>/convention/", views.draft_convention, name="draft_convention"),
    path("projets/<id:pk>/revoir/", views.reopen, name="reopen"),
    path("projets/<id:pk>/signature-papier/", views.paper_signature, name="paper_signature"),
    path("projets/<id:pk>/realise/", views.carry_out, name="carry_out"),
    path("initiatives/<id:pk>/", views.initiative, name="initiative"),
    path("batisseurs/<slug:association_slug>/", views.join_builders, name="join_builders"),
    path("batisseurs/<slug:association_slug>/quitter/", views.leave_builders, name="leave_builders"),
    path("mairie/", views.town_desk, name="town_desk"),
    path("mairie/chiffres/", views.figures, name="figures"),
    path("mairie/batisseurs/", views.builders, name="builders"),
]
