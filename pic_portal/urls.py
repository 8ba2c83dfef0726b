from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portal.urls import account_urlpatterns

admin.site.site_header = _("Administration du Portail PIC")
admin.site.site_title = _("Portail PIC")
admin.site.index_title = _("Données de référence, associations et fonds")

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("core.urls")),
    path("", include("funds.urls")),
    path("compte/", include("accounts.urls")),
    path("compte/", include(account_urlpatterns)),
    path("", include("applications.urls")),
    path("", include("reports.urls")),
    path("", include("reports.annual_urls")),
    path("cvs/", include("cvs.urls")),
    path("equipe/", include("applications.staff_urls")),
    path("comites/", include("committees.urls")),
    path("fifty-fifty/", include("fiftyfifty.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("dossiers/", include("bundles.urls")),
    path("", include("opendata.urls")),
    path("api/v1/", include("api.urls")),
    path("compte/jetons-api/", include("api.token_urls")),
    path("admin/", admin.site.urls),
]

# French error pages with the portal's layout, and a plain French page should the layout itself fail.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
