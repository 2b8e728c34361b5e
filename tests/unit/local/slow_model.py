"""An OpenAI-compatible chat endpoint on loopback that can be made slow: each request sleeps
``delay_s`` before answering. Counts the requests it received (paid model calls)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = {"facts": {"employment_months": 30}, "signals": [], "summary": "Documents are consistent."}


class SlowModelServer:
    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.requests = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with owner._lock:
                    owner.requests += 1
                self.rfile.read(int(self.headers.get("content-length") or 0))
                deadline = time.monotonic() + owner.delay_s
                while time.monotonic() < deadline and not owner._closing.is_set():
                    time.sleep(0.05)
                body = {"choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": json.dumps(ANSWER)}}]}
                data = json.dumps(body).encode()
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client was killed while we slept
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._closing = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="slow-model-server")
        self.thread.start()

    def close(self) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
