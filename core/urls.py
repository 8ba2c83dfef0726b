from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
