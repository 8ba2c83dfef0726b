from django.urls import path

from bundles import views

app_name = "bundles"

urlpatterns = [
    path("", views.bundle_list, name="bundle_list"),
    path("<id:pk>/", views.bundle_detail, name="bundle_detail"),
    path("fonds/<slug:slug>/", views.fund_bundles, name="fund_bundles"),
    path("fonds/<slug:slug>/preparer/", views.request_fund_bundle, name="request_fund_bundle"),
    path("demandes/<id:pk>/preparer/", views.request_application_bundle, name="request_application_bundle"),
    path("telecharger/<str:token>/", views.download, name="download"),
]
