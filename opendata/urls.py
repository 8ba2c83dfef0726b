from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("donnees-ouvertes/", views.index, name="index"),
    path("donnees-ouvertes/schema/scdl-subventions-2.1.1.json", views.schema_file, name="schema"),
    path(
        "donnees-ouvertes/<slug:slug>/<id:year>/subventions.<str:extension>",
        views.grants_file,
        name="grants_file",
    ),
]
