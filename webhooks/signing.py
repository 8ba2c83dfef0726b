"""The signature of a webhook body: `X-Portail-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`.

The HMAC covers "<t>.<body>" with the endpoint's secret, so a receiver can refuse a replayed message
(t too old) as well as a forged one. docs/webhooks.md shows the receiver's side.
"""

import hashlib
import hmac


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def verify(*, secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """The receiver's check (used by the tests, and the reference for docs/webhooks.md)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, fields.get("v1", ""))
