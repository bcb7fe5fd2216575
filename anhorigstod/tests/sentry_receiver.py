"""A stand-in for Sentry's ingest endpoint, for tests that send real events to it."""

import contextlib
import gzip
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Receiver(BaseHTTPRequestHandler):
    """Sentry's ingest endpoint as far as the SDK needs it: keep each envelope, answer 200."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.server.envelopes.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def envelope_items(body: bytes) -> list[tuple[dict, bytes]]:
    """An envelope's items: a header line, then items of a header line and a payload each."""
    _, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        header_line, _, rest = rest.partition(b"\n")
        header = json.loads(header_line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((header, payload))
    return items


@contextlib.contextmanager
def sentry_receiver():
    """A server keeping each envelope in ``.envelopes``; its DSN is ``dsn(server)``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def dsn(server) -> str:
    return f"http://public@127.0.0.1:{server.server_address[1]}/1"


def wait_for_events(server, count: int, timeout: float = 15) -> list[tuple[dict, bytes]]:
    """The events received (each with its whole envelope), once there are at least ``count``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = [
            (json.loads(payload), raw)
            for _, raw in list(server.envelopes)
            for header, payload in envelope_items(raw)
            if header.get("type") == "event"
        ]
        if len(events) >= count:
            return events
        time.sleep(0.1)
    pytest.fail(f"Sentry received {len(server.envelopes)} envelope(s), not {count} event(s)")
