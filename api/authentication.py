"""`Authorization: Bearer <key>`: the request acts as the token's owner. Nothing else authenticates the API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api import services
from api.models import ApiToken, hash_key

KEYWORD = b"bearer"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide : « Bearer <jeton> » attendu."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Jeton invalide.")) from None
        token = ApiToken.objects.select_related("owner").filter(key_hash=hash_key(key)).first()
        if token is None or token.revoked_at is not None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Jeton invalide ou révoqué."))
        services.record_use(token=token)
        return token.owner, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 when no valid token is given.
        return 'Bearer realm="api"'
