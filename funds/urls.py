from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("appels-a-projets/", views.open_calls, name="open_calls"),
    path("fonds/", views.fund_list, name="fund_list"),
    path("aide/<slug:slug>/", views.fund_help, name="fund_help"),
]
