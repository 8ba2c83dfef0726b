"""The database is down (restart, maintenance): a French maintenance page with status 503, not a bare 500.

Rendered without the request's context processors: they would read the session and the user, from the database
that just failed. `Retry-After` tells browsers and proxies to come back shortly.
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def maintenance_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable while serving %s: %s", request.path, exception)
            return _safely(503, maintenance_response)
        return None


# --- Error pages that always render ---------------------------------------------------------------------------
# The templates (400.html...) extend the portal's layout. Should that layout itself fail (static files not
# collected, a broken include), a plain French page is served instead of Django's English one or a second error.

FALLBACK = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><h1>{title}</h1><p>{text}</p><p><a href="/">Retour à l\'accueil</a></p></body></html>'
)
TITLES = {
    400: ("Requête incorrecte", "Le portail n'a pas compris cette demande."),
    403: ("Accès refusé", "Vous n'avez pas le droit d'ouvrir cette page."),
    404: ("Page introuvable", "Cette page n'existe pas, ou vous n'avez pas le droit de la voir."),
    500: ("Erreur du portail", "Une erreur inattendue s'est produite. Réessayez dans quelques minutes."),
    503: ("Portail en maintenance", "Le portail est momentanément indisponible. Réessayez dans quelques minutes."),
}


def _safely(status: int, render: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        return render()
    except Exception:  # the error page must not fail in turn
        logger.exception("The %s page could not be rendered", status)
        title, text = TITLES[status]
        return HttpResponse(FALLBACK.format(title=title, text=text), status=status)


def bad_request(request, exception):
    from django.views import defaults

    return _safely(400, lambda: defaults.bad_request(request, exception))


def permission_denied(request, exception):
    from django.views import defaults

    return _safely(403, lambda: defaults.permission_denied(request, exception))


def page_not_found(request, exception):
    from django.views import defaults

    return _safely(404, lambda: defaults.page_not_found(request, exception))


def server_error(request):
    from django.views import defaults

    return _safely(500, lambda: defaults.server_error(request))
