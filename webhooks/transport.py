"""One HTTP POST to a checked address: no redirects followed, 10 s timeout, the start of the answer kept.

The connection goes to the address webhooks.destinations checked, with the URL's host name kept for the
`Host` header and the TLS certificate check (SNI): a DNS answer changed between the check and the
connection cannot redirect the request to a private address.
"""

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

RESPONSE_EXCERPT_BYTES = 1000


@dataclass
class Response:
    status_code: int
    excerpt: str


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self):
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        self.tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls_context)
        self.pinned_address = address

    def connect(self):
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def post(*, url: str, address: str, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    """POST `body` to `url` through `address`; network errors raise OSError (or http.client's errors)."""
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    connection_class = PinnedHTTPSConnection if https else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body=body, headers=headers)
        answer = connection.getresponse()
        excerpt = answer.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Response(status_code=answer.status, excerpt=excerpt)
    finally:
        connection.close()
