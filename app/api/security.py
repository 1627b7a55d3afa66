"""Security headers on every response, and the body-size cap on every request body.

Both are plain ASGI middleware (no buffering): a streamed export stays streamed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import PayloadTooLarge

# No inline script or style anywhere (the page and /docs load files only).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def adding_headers(send: Send, headers: Sequence[tuple[bytes, bytes]]) -> Send:
    """``send``, with ``headers`` added to the response's start (those it already has are kept as they are)."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *(h for h in headers if h[0] not in present)]
        await send(message)

    return send_with_headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        await self.app(scope, receive, adding_headers(send, HEADERS))


class BodyLimit:
    """Refuses a request body over ``max_bytes``, whatever its framing (declared, chunked, multipart, JSON).

    The declared ``Content-Length`` is checked first; the bytes actually received are counted as they
    arrive, so a chunked body is cut off at the limit and never held whole in memory.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PayloadTooLarge:
        mb = self.max_bytes // 1_048_576
        return PayloadTooLarge(f"Envoi trop volumineux : au plus {mb} Mo. Découpez l'import en plusieurs envois.",
                               max_bytes=self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                error = self._too_large()  # refused before a byte is read: answered here
                await JSONResponse(error.to_dict(), error.status)(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counting_receive, send)
