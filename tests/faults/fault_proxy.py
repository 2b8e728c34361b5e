"""A fault-injecting HTTP proxy on loopback, run in the test's event loop.

Modes (switch at any time; they apply to the next request, even on a kept-alive connection):
``pass`` forward; ``refuse`` stop listening (connection refused); ``reset`` close at once;
``stall`` read the request and never answer; ``502``/``503``/``401`` canned answers;
``truncate`` forward, then cut the body short and close (HTTP framing broken);
``truncate_json`` forward, cut the body but fix Content-Length (valid HTTP, broken JSON);
``drip`` forward, then send the answer a few bytes at a time (a slow link: each read arrives
before a read timeout, the whole answer takes long).
Requests for a run stream (``.../events``) are relayed as they arrive (not buffered); for them
``stream_stall`` relays the answer's head (status and headers), then stays silent with the
connection open; ``stream_truncate`` relays part of the first event, then closes. Other requests
pass in those two modes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from urllib.parse import urlsplit

CANNED = {
    "502": (502, "Bad Gateway", b"<html><body>502 Bad Gateway</body></html>", "text/html"),
    "503": (503, "Service Unavailable", json.dumps({"error": "Service Unavailable"}).encode(), "application/json"),
    "401": (401, "Unauthorized", json.dumps({"error": "Unauthorized", "message": "bad token"}).encode(),
            "application/json"),
}

DRIP_BYTES = 512
DRIP_PAUSE_S = 0.02


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.up_host, self.up_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.mode = "pass"
        self.port = 0
        self.requests: list[tuple[str, str, str]] = []  # (mode, method, path) as seen
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def set_mode(self, mode: str) -> None:
        if mode == "refuse" and self._server is not None:
            await self._stop_listening()
        elif mode != "refuse" and self._server is None:
            await self.start()
        self.mode = mode

    async def _stop_listening(self) -> None:
        assert self._server is not None
        self._server.close()
        for w in list(self._writers):
            w.close()
        await self._server.wait_closed()
        self._server = None

    async def aclose(self) -> None:
        if self._server is not None:
            await self._stop_listening()
        self._closing.set()
        for w in list(self._writers):
            w.close()
        await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), 5)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                body = await reader.readexactly(length) if length else b""
                method, path = head.split(b" ")[0].decode(), head.split(b" ")[1].decode()
                self.requests.append((self.mode, method, path))
                if not await self._answer(head, body, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._tasks.discard(task)

    async def _answer(self, head: bytes, body: bytes, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False closes the client connection."""
        mode = self.mode
        path = head.split(b" ")[1]
        if path.split(b"?")[0].endswith(b"/events") and mode in ("pass", "stream_stall", "stream_truncate"):
            await self._relay_stream(head, body, writer, mode)
            return False
        if mode in ("stream_stall", "stream_truncate"):
            mode = "pass"
        if mode in ("reset", "refuse"):
            return False
        if mode == "stall":
            await self._closing.wait()  # until the proxy is closed
            return False
        if mode in CANNED:
            code, reason, payload, ctype = CANNED[mode]
            writer.write(
                f"HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
            return True
        response = await self._forward(head, body)
        if mode in ("truncate", "truncate_json"):
            resp_head, _, resp_body = response.partition(b"\r\n\r\n")
            cut = resp_body[: max(len(resp_body) // 2, 1)]
            if mode == "truncate_json":
                lines = [ln for ln in resp_head.split(b"\r\n") if not ln.lower().startswith(b"content-length")]
                resp_head = b"\r\n".join([*lines, b"Content-Length: " + str(len(cut)).encode()])
                writer.write(resp_head + b"\r\n\r\n" + cut)
                await writer.drain()
                return True
            writer.write(resp_head + b"\r\n\r\n" + cut)
            await writer.drain()
            return False
        if mode == "drip":
            for i in range(0, len(response), DRIP_BYTES):
                writer.write(response[i:i + DRIP_BYTES])
                await writer.drain()
                await asyncio.sleep(DRIP_PAUSE_S)
            return True
        writer.write(response)
        await writer.drain()
        return True

    async def _relay_stream(self, head: bytes, body: bytes, writer: asyncio.StreamWriter, mode: str) -> None:
        """Relay a streamed answer byte for byte as it arrives (then close the client connection)."""
        drop = (b"connection:",) if mode == "pass" else (b"connection:", b"accept-encoding:")  # cut plain text
        lines = [ln for ln in head.rstrip(b"\r\n").split(b"\r\n") if not ln.lower().startswith(drop)]
        r, w = await asyncio.open_connection(self.up_host, self.up_port)
        try:
            w.write(b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body)
            await w.drain()
            seen = b""
            while chunk := await r.read(65536):
                seen += chunk
                if mode != "pass":
                    top, sep, rest = seen.partition(b"\r\n\r\n")
                    end = rest.find(b"\n\n") if sep else -1
                    if (sep and mode == "stream_stall") or end >= 0:
                        keep = len(top) + 4 + (0 if mode == "stream_stall" else end // 2)
                        writer.write(seen[:keep])  # nothing was relayed before in these modes
                        await writer.drain()
                        if mode == "stream_stall":
                            await self._closing.wait()
                        return
                    continue
                writer.write(chunk)
                await writer.drain()
        finally:
            w.close()
            with contextlib.suppress(Exception):
                await w.wait_closed()

    async def _forward(self, head: bytes, body: bytes) -> bytes:
        lines = [ln for ln in head.rstrip(b"\r\n").split(b"\r\n") if not ln.lower().startswith(b"connection:")]
        request = b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body
        r, w = await asyncio.open_connection(self.up_host, self.up_port)
        try:
            w.write(request)
            await w.drain()
            return await _read_response(r)
        finally:
            w.close()
            with contextlib.suppress(Exception):
                await w.wait_closed()


async def _read_response(r: asyncio.StreamReader) -> bytes:
    """One HTTP/1.1 response, re-framed with Content-Length (chunked bodies are joined)."""
    head = await r.readuntil(b"\r\n\r\n")
    lines = head.rstrip(b"\r\n").split(b"\r\n")
    fields = {ln.partition(b":")[0].strip().lower(): ln.partition(b":")[2].strip() for ln in lines[1:]}
    if b"content-length" in fields:
        body = await r.readexactly(int(fields[b"content-length"]))
    elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
        parts = []
        while True:
            size = int((await r.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                await r.readuntil(b"\r\n")
                break
            parts.append(await r.readexactly(size))
            await r.readexactly(2)
        body = b"".join(parts)
    elif lines[0].split(b" ")[1] in (b"204", b"304"):
        body = b""
    else:
        body = await r.read()
    keep = [ln for ln in lines[1:] if ln.partition(b":")[0].strip().lower()
            not in (b"content-length", b"transfer-encoding", b"connection")]
    out = [lines[0], *keep, b"Content-Length: " + str(len(body)).encode()]
    return b"\r\n".join(out) + b"\r\n\r\n" + body
