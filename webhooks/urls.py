from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("nouveau/", views.endpoint_create, name="endpoint_create"),
    path("<id:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("<id:pk>/modifier/", views.endpoint_edit, name="endpoint_edit"),
    path("<id:pk>/desactiver/", views.endpoint_disable, name="endpoint_disable"),
    path("<id:pk>/reactiver/", views.endpoint_enable, name="endpoint_enable"),
    path("livraisons/<uuid:pk>/", views.delivery_detail, name="delivery_detail"),
    path("livraisons/<uuid:pk>/rejouer/", views.delivery_replay, name="delivery_replay"),
]
