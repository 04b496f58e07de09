"""A real OpenAI-compatible HTTP server on loopback, for tests and benchmarks.

It answers ``POST /v1/chat/completions`` and ``GET /v1/models`` like an OpenAI-compatible
endpoint (OpenAI, vLLM, sglang), with configurable latency and injected faults, and it
counts every request so tests can assert how many requests an item cost.

In process (a background thread)::

    with FakeOpenAIServer(latency=0.1, faults=FaultPlan(every=10)) as server:
        client = AsyncOpenAI(base_url=server.base_url, api_key="x")
        ...
        server.stats()["requests"]

As a subprocess (for kill-and-resume tests)::

    python -m lmms_emotion.testing.fake_openai --port 0 --latency 0.05 --fault-every 10 --port-file p.txt

``GET /_fake/stats`` returns the same counters as :meth:`FakeOpenAIServer.stats`.

**Replies** are a deterministic function of the request (the same messages give the same
reply):

- with ``response_format={"type": "json_schema", ...}`` the reply is an instance of that
  schema (objects with all properties, arrays of ``minItems`` items, strings made of plain
  sentences, ``enum`` values chosen by the request hash);
- without a schema, a prompt holding ``Correct answer: X`` and ``Options: a, b, c`` lines
  (the shape of the project's rationale prompts) gets a short reasoning ending in
  ``Final answer: X``; with ``wrong_answer_rate`` a deterministic share of them end in a
  different option instead (counted in ``stats()["wrong_answers"]``);
- anything else gets a short echo of the last user message.

**Faults** (:data:`FAULT_KINDS`), chosen per request by a :class:`FaultPlan`:

- ``rate_limit``: HTTP 429 with ``Retry-After``;
- ``server_error``: HTTP 500;
- ``timeout``: the reply is held for ``hang_seconds`` (past a client's timeout);
- ``bad_body``: HTTP 200 whose body is not JSON;
- ``bad_json``: a well-formed completion whose content is malformed (broken JSON, or a
  text reply without its final answer);
- ``truncated``: ``finish_reason: "length"`` with the content cut in half.

With ``api_key`` set, requests must carry ``Authorization: Bearer <key>``; a wrong key
gets a 401 whose message *echoes the presented key* (deliberately, so tests can check
that clients never write error messages unredacted).

The server binds to loopback only and never opens a connection to anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["FAULT_KINDS", "FakeOpenAIServer", "FaultPlan", "messages_hash", "schema_instance"]

FAULT_KINDS = ("rate_limit", "server_error", "timeout", "bad_body", "bad_json", "truncated")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MODELS = ("fake-model",)
SHUTDOWN_POLL_SECONDS = 0.02

_CORRECT_ANSWER = re.compile(r"(?im)^\s*correct answer:\s*(.+?)\s*$")
_OPTIONS = re.compile(r"(?im)^\s*options:\s*(.+?)\s*$")
_WORDS = ("bright", "quiet", "crowded", "warm", "open", "distant", "soft", "colourful", "still", "lively")


@dataclass
class FaultPlan:
    """Which requests fail, and how. Decisions depend only on the request's number (1-based).

    ``schedule`` (request number -> kind) wins; then ``every`` (request ``n`` faults when
    ``n % every == 0``, kinds taken in turn from ``kinds``); then ``rate`` (a seeded
    draw per request number).
    """

    rate: float = 0.0
    every: int = 0
    kinds: tuple[str, ...] = FAULT_KINDS
    schedule: dict[int, str] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [k for k in (*self.kinds, *self.schedule.values()) if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; choose from {', '.join(FAULT_KINDS)}")
        if not self.kinds:
            raise ValueError("FaultPlan.kinds must not be empty")

    def fault_for(self, number: int) -> str | None:
        """The fault injected into request ``number``, or None."""
        if number in self.schedule:
            return self.schedule[number]
        if self.every > 0:
            if number % self.every == 0:
                return self.kinds[(number // self.every - 1) % len(self.kinds)]
            return None
        if self.rate > 0:
            rng = random.Random(self.seed * 1_000_003 + number)
            if rng.random() < self.rate:
                return self.kinds[rng.randrange(len(self.kinds))]
        return None


def messages_hash(messages: Any) -> str:
    """sha256 of the canonical JSON of a request's messages (the key of the request log)."""
    return hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _sentence(seed: str, path: str, question: bool) -> str:
    digest = hashlib.sha256(f"{seed}:{path}".encode()).digest()
    a, b, c = (_WORDS[x % len(_WORDS)] for x in digest[:3])
    name = path.rsplit(".", 1)[-1].replace("_", " ") or "reply"
    if question:
        return f"What makes the {a} part of this picture feel {b} ({name} {digest.hex()[:6]})?"
    return f"The picture looks {a} and {b}, with a {c} mood that shapes the viewer's impression ({name} {digest.hex()[:6]})."


def schema_instance(schema: dict, seed: str, path: str = "reply") -> Any:
    """A deterministic instance of a JSON schema (the subset structured outputs use)."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        options = list(schema["enum"])
        return options[int(hashlib.sha256(f"{seed}:{path}".encode()).hexdigest(), 16) % len(options)]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: schema_instance(sub, seed, f"{path}.{name}") for name, sub in props.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [schema_instance(schema.get("items", {"type": "string"}), seed, f"{path}.{i}") for i in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 0.5))
    if kind == "boolean":
        return True
    return _sentence(seed, path, question=path.rsplit(".", 1)[-1] == "question")


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.completions = 0
        self.by_prompt: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.auth_failures = 0
        self.wrong_answers = 0
        self.authorized = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "requests": self.requests,
                "completions": self.completions,
                "by_prompt": dict(self.by_prompt),
                "faults": dict(self.faults),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "auth_failures": self.auth_failures,
                "authorized": self.authorized,
                "wrong_answers": self.wrong_answers,
                "max_in_flight": self.max_in_flight,
            }


class FakeOpenAIServer:
    """An OpenAI-compatible chat-completions server on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, latency: float = 0.0, faults: FaultPlan | None = None, wrong_answer_rate: float = 0.0,
                 api_key: str | None = None, hang_seconds: float = 5.0, retry_after: float = 0.05,
                 host: str = "127.0.0.1", port: int = 0, models: tuple[str, ...] = DEFAULT_MODELS) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the fake server binds to loopback only, not {host!r}")
        self.latency = latency
        self.faults = faults or FaultPlan()
        self.wrong_answer_rate = wrong_answer_rate
        self.api_key = api_key
        self.hang_seconds = hang_seconds
        self.retry_after = retry_after
        self.models = models
        self._stats = _Stats()
        self._httpd = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``, what an OpenAI client takes as ``base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def stats(self) -> dict:
        """Counters: requests, completions, by_prompt (messages hash -> count), faults, statuses,
        auth_failures, authorized, wrong_answers, max_in_flight (most requests held at once)."""
        return self._stats.snapshot()

    def start(self) -> FakeOpenAIServer:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        # socketserver checks for shutdown() every poll_interval (0.5 s by default): every
        # test that stops a server would wait for it
        self._httpd.serve_forever(poll_interval=SHUTDOWN_POLL_SECONDS)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- request handling ------------------------------------------------------------

    def _number_request(self, messages: Any) -> tuple[int, str, str | None]:
        """Number a request and decide its fault under one lock, so a stats snapshot never
        sees a numbered request whose fault is not yet counted."""
        digest = messages_hash(messages)
        with self._stats.lock:
            self._stats.requests += 1
            self._stats.by_prompt[digest] += 1
            number = self._stats.requests
            fault = self.faults.fault_for(number) if self.api_key is None else None
            if fault is not None:
                self._stats.faults[fault] += 1
            return number, digest, fault

    def handle_completion(self, body: dict, authorization: str | None) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body bytes, seconds to wait before answering) for one request."""
        messages = body.get("messages")
        number, digest, fault = self._number_request(messages)
        if self.api_key is not None:
            presented = (authorization or "").removeprefix("Bearer ").strip()
            if presented != self.api_key:
                with self._stats.lock:
                    self._stats.auth_failures += 1
                    self._stats.statuses[401] += 1
                return _error(401, f"Incorrect API key provided: {presented}", "invalid_request_error",
                              "invalid_api_key") + (0.0,)
            with self._stats.lock:
                self._stats.authorized += 1
        if not isinstance(messages, list) or not messages:
            return _error(400, "'messages' must be a non-empty list", "invalid_request_error") + (0.0,)
        if self.api_key is not None:  # authorised: the fault plan applies as usual
            fault = self.faults.fault_for(number)
            if fault is not None:
                with self._stats.lock:
                    self._stats.faults[fault] += 1
        if fault == "rate_limit":
            status, headers, payload = _error(429, "Rate limit reached (injected)", "rate_limit_error", "rate_limit_exceeded")
            headers["Retry-After"] = f"{self.retry_after:g}"
            self._count_status(429)
            return status, headers, payload, self.latency
        if fault == "server_error":
            self._count_status(500)
            return _error(500, "The server had an error (injected)", "server_error") + (self.latency,)
        if fault == "bad_body":
            self._count_status(200)
            return 200, {"Content-Type": "application/json"}, b'{"id": "chatcmpl-broken", "choices": [', self.latency
        content, wrong = self._reply_content(body, digest)
        finish = "stop"
        if fault == "bad_json":
            content = _malform(content)
        elif fault == "truncated":
            content, finish = content[: max(1, len(content) // 2)], "length"
        elif wrong:
            with self._stats.lock:
                self._stats.wrong_answers += 1
        prompt_chars = sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict))
        usage = {"prompt_tokens": max(1, prompt_chars // 4), "completion_tokens": max(1, len(content) // 4)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        payload = {
            "id": f"chatcmpl-fake-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.models[0]),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish, "logprobs": None}],
            "usage": usage,
        }
        with self._stats.lock:
            self._stats.completions += 1
            self._stats.statuses[200] += 1
        delay = self.hang_seconds if fault == "timeout" else self.latency
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode(), delay

    def _count_status(self, status: int) -> None:
        with self._stats.lock:
            self._stats.statuses[status] += 1

    def _reply_content(self, body: dict, digest: str) -> tuple[str, bool]:
        """The reply text and whether it deliberately ends in a wrong answer."""
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema") or {"type": "object"}
            return json.dumps(schema_instance(schema, digest), ensure_ascii=False), False
        if response_format.get("type") == "json_object":
            return json.dumps({"reply": _sentence(digest, "reply", question=False)}), False
        text = "\n".join(str(m.get("content", "")) for m in body["messages"] if isinstance(m, dict))
        gold = _CORRECT_ANSWER.findall(text)
        if gold:
            answer = gold[-1].strip().strip(".\"'")
            options_found = _OPTIONS.findall(text)
            options = [o.strip().strip(".") for o in options_found[-1].split(",")] if options_found else []
            wrong = False
            if self.wrong_answer_rate > 0 and int(digest[:8], 16) / 0xFFFFFFFF < self.wrong_answer_rate:
                others = [o for o in options if o and o.lower() != answer.lower()]
                if others:
                    answer = others[int(digest[8:16], 16) % len(others)]
                    wrong = True
            cue = _sentence(digest, "cue", question=False)
            return (f"First, the visual cues: {cue}\nSecond, these cues together shape how a viewer reacts.\n"
                    f"Final answer: {answer}"), wrong
        last_user = next((str(m.get("content", "")) for m in reversed(body["messages"])
                          if isinstance(m, dict) and m.get("role") == "user"), "")
        return f"Echo: {last_user[:200]}", False


def _malform(content: str) -> str:
    if content.lstrip().startswith(("{", "[")):
        return content[:-1] + ', "unterminated": '
    return content.rsplit("\n", 1)[0] + "\n(no conclusion)"


def _error(status: int, message: str, kind: str, code: str | None = None) -> tuple[int, dict[str, str], bytes]:
    payload = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def _handler_for(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once, without a 40 ms delayed-ACK stall

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, headers: dict[str, str], payload: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close_connection = True

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in server.models]
                self._send(200, {"Content-Type": "application/json"}, json.dumps({"object": "list", "data": data}).encode())
            elif self.path.rstrip("/") == "/_fake/stats":
                self._send(200, {"Content-Type": "application/json"}, json.dumps(server.stats()).encode())
            else:
                self._send(*_error(404, f"no route {self.path}", "invalid_request_error"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._send(*_error(404, f"no route {self.path}", "invalid_request_error"))
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send(*_error(400, "request body is not JSON", "invalid_request_error"))
                return
            stats = server._stats
            with stats.lock:
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                status, headers, payload, delay = server.handle_completion(body, self.headers.get("Authorization"))
                if delay > 0:
                    time.sleep(delay)
                self._send(status, headers, payload)
            finally:
                with stats.lock:
                    stats.in_flight -= 1

    return Handler


def main(argv: list[str] | None = None) -> int:
    """Run the fake server in the foreground until SIGTERM/SIGINT."""
    import os

    parser = argparse.ArgumentParser(prog="python -m lmms_emotion.testing.fake_openai", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK_HOSTS)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the chosen port here once listening")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each reply")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-every", type=int, default=0)
    parser.add_argument("--fault-kinds", default=",".join(FAULT_KINDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hang-seconds", type=float, default=5.0)
    parser.add_argument("--retry-after", type=float, default=0.05)
    parser.add_argument("--wrong-answer-rate", type=float, default=0.0)
    parser.add_argument("--api-key-env", help="require the key held in this environment variable")
    args = parser.parse_args(argv)
    faults = FaultPlan(rate=args.fault_rate, every=args.fault_every, seed=args.seed,
                       kinds=tuple(k for k in args.fault_kinds.split(",") if k))
    api_key = os.environ.get(args.api_key_env) if args.api_key_env else None
    server = FakeOpenAIServer(latency=args.latency, faults=faults, wrong_answer_rate=args.wrong_answer_rate,
                              api_key=api_key, hang_seconds=args.hang_seconds, retry_after=args.retry_after,
                              host=args.host, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server._httpd.shutdown, daemon=True).start())
    if args.port_file:
        tmp = Path(args.port_file + ".tmp")
        tmp.write_text(str(server.port))
        tmp.replace(args.port_file)
    print(f"fake OpenAI server listening on {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
