"""Where a webhook may be sent: `https` only and public addresses only, outside development.

The host is resolved and every address it resolves to is checked, at registration and again at each
delivery (a name may change address after it was registered); the delivery then connects to the very
address that was checked (webhooks.transport), so a second resolution cannot slip in a private one.
`settings.DEBUG` or `settings.WEBHOOKS_ALLOW_INSECURE` lift both rules (development and tests).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeDestination(Exception):
    """The URL may not receive webhooks; the message is French and shown to the staff."""


def insecure_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_INSECURE", False))


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )
    return not blocked


def check_url_form(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL, without resolving it."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("https", "http"):
        raise UnsafeDestination(_("L'adresse doit commencer par https://."))
    if scheme == "http" and not insecure_allowed():
        raise UnsafeDestination(_("Seules les adresses https:// sont acceptées."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("L'adresse ne doit pas contenir d'identifiant ni de mot de passe."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeDestination(_("Le port de l'adresse n'est pas valide.")) from error
    if not parts.hostname:
        raise UnsafeDestination(_("L'adresse doit indiquer un nom de domaine."))
    return scheme, parts.hostname, port


def resolve(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, addresses): every address the host resolves to, each one checked."""
    scheme, host, port = check_url_form(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeDestination(_("Le nom de domaine %(host)s est introuvable.") % {"host": host}) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeDestination(_("Le nom de domaine %(host)s est introuvable.") % {"host": host})
    if not insecure_allowed():
        refused = [address for address in addresses if not is_public_address(address)]
        if refused:
            raise UnsafeDestination(
                _("%(host)s désigne une adresse privée, locale ou réservée (%(address)s) : envoi refusé.")
                % {"host": host, "address": refused[0]}
            )
    return scheme, host, port, addresses
