"""One way to run the app and a browser for measuring and testing it: the app as ``make run`` starts it
(``python serve.py``: ``streamlit run app.py`` warmed up beside it; any other script by ``streamlit run``) on a
free port of 127.0.0.1 (never another address), waited on until it answers, and Debian's chromium with the flags
that work here. The browser tests (``tests/browser/harness.py``), the player benchmark (``layers.bench.browser``)
and the load test (``benchmarks/load_test.py``) all use it. It starts the app as a process; it imports no Streamlit.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The project folder: its ``app.py`` is what ``start_app`` serves unless told otherwise."""
HOST = "127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--use-angle=swiftshader",
               "--enable-unsafe-swiftshader"]
"""chromium flags that work here: WebGL2 in software (SwiftShader), nothing phoning home."""
LAUNCHER = "serve.py"
"""How ``make run`` starts ``app.py`` (it takes Streamlit's options)."""
SERVER_START_S = 90.0
POLL_S = 0.3
"""How often a starting server is asked whether it is up (a retry interval, not a wait for time to pass)."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    """A running ``streamlit run app.py``."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@contextlib.contextmanager
def start_app(data_folder: Path | None, log_dir: Path, extra_env: dict[str, str] | None = None,
              app_dir: Path = ROOT, port: int | None = None, extra_args: Sequence[str] = (),
              script: str = "app.py") -> Iterator[AppServer]:
    """Serve ``app_dir``'s ``script`` (``app.py``, by its launcher ``serve.py``) on 127.0.0.1 (with
    ``CORRIDOR_DATA=data_folder`` when given) until the block ends; the server's output goes to a log file in
    ``log_dir``."""
    port = port or free_port()
    log = Path(log_dir) / f"streamlit-{port}.log"
    env = {**os.environ, **({"CORRIDOR_DATA": str(data_folder)} if data_folder is not None else {}),
           **(extra_env or {})}
    launch = [LAUNCHER] if script == "app.py" else ["-m", "streamlit", "run", script]
    command = [sys.executable, *launch, "--server.address", HOST,
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(f"http://{HOST}:{port}", port, process, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def wait_healthy(server: AppServer, timeout: float = SERVER_START_S) -> None:
    """Ask ``/_stcore/health`` until it answers ``ok`` (or the server dies, or ``timeout`` passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
            if answer.read().strip() == b"ok":
                return
        time.sleep(POLL_S)
    raise TimeoutError(f"streamlit did not answer on {server.url} within {timeout:.0f} s:\n{server.log_tail()}")
