from django.urls import path

from api import token_views

app_name = "api_tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("creer/", token_views.token_create, name="create"),
    path("<id:pk>/revoquer/", token_views.token_revoke, name="revoke"),
]
