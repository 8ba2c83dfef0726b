from django.urls import path

from cvs import views

app_name = "cvs"

urlpatterns = [
    path("appels/<slug:fund_slug>/deposer/", views.start, name="start"),
    path("appels/<slug:slug>/suivi/", views.fund_page, name="fund"),
    path("demandes/<id:pk>/", views.detail, name="detail"),
    path("demandes/<id:pk>/etape/<slug:step>/", views.step, name="step"),
    path("demandes/<id:pk>/avis/", views.opinion, name="opinion"),
    path("demandes/<id:pk>/recevabilite/", views.eligibility, name="eligibility"),
    path("demandes/<id:pk>/programmation/", views.programming, name="programming"),
    path("demandes/<id:pk>/versement/", views.payment, name="payment"),
]
