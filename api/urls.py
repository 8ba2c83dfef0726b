from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import views

app_name = "api"

router = SimpleRouter()
router.register("funds", views.FundViewSet, basename="fund")
router.register("requests", views.RequestViewSet, basename="request")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("bilans", views.BilanViewSet, basename="bilan")
router.register("annual-figures", views.AnnualFiguresViewSet, basename="annual-figures")

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[], throttle_classes=[]),
        name="schema",
    ),
    path("", include(router.urls)),
]
