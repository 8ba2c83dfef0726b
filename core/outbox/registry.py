"""Attachments built at delivery time, by name: apps register their builders from their AppConfig.ready().

    core.outbox.register_attachment("applications.receipt", build_receipt)

A builder takes the spec's `args` as keyword arguments and returns the file's bytes, or (bytes, mimetype).
Core imports no app: it only knows the names.
"""

from collections.abc import Callable

_BUILDERS: dict[str, Callable[..., bytes | tuple[bytes, str]]] = {}


class UnknownAttachmentBuilder(LookupError):
    pass


def register_attachment(name: str, func: Callable[..., bytes | tuple[bytes, str]]) -> None:
    _BUILDERS[name] = func


def build_attachment(spec: dict) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) of one attachment spec `{"builder", "args", "filename"[, "mimetype"]}`."""
    try:
        builder = _BUILDERS[spec["builder"]]
    except KeyError as error:
        raise UnknownAttachmentBuilder(f"No attachment builder named {spec.get('builder')!r}") from error
    result = builder(**spec.get("args", {}))
    content, mimetype = result if isinstance(result, tuple) else (result, spec.get("mimetype", "application/pdf"))
    return spec["filename"], content, mimetype
