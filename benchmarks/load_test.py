"""A bounded load test of the app on 127.0.0.1: concurrent Explore sessions that move the time, filter and export.

It starts ``streamlit run app.py`` on 127.0.0.1 and a free port, then runs N sessions (default 30) for D
seconds (default 120). Each session speaks Streamlit's own websocket protocol (``/_stcore/stream``, the
protobufs the ``streamlit`` package ships) like the browser does: it opens the Explore page, fetches the
player's data file, then loops with a user's pauses between actions: move the time (the player's message on
pause), filter by a category (and clear it), prepare a PNG export and download it. A browser per session
would cost more than the server it loads on a 2-core machine; this client is a few hundred kB of protobuf
per session.

Printed: errors (must be 0), p50/p95 response time per action, the server's RSS memory before, during and
after (once the sessions disconnected and the server's disconnected-session TTL passed), and requests served.

Bounded: every loop has a count and a time limit, every wait a timeout; it stops by itself and stops the
server it started; it only ever connects to 127.0.0.1 (asserted before every connection).

    .venv/bin/python benchmarks/load_test.py                       # 30 sessions x 120 s
    .venv/bin/python benchmarks/load_test.py --sessions 5 --duration 20 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layers.bench.harness import HOST, free_port, start_app  # noqa: E402
from layers.model import schema  # noqa: E402

"""The only host this test ever connects to."""
ACTIONS = ("open", "time", "filter", "export")
MAX_ACTIONS_PER_SESSION = 10_000
PLAN = ("time", "filter", "time", "export", "time", "filter")
"""What a user does after opening the page, in a loop (the first four are the warm-up: one of each)."""
WARMUP_LIMIT_S = 300.0
ACTION_TIMEOUT_S = 120.0
"""An action (with its download) that takes longer than this is an error: no user waits two minutes."""
PNG_LABEL = "PNG 1920×1080"
POLL_S = 0.5
"""How often a waiting export panel asks again (ui.downloads.POLL_S)."""
EPOCH_DAYS = (0, 1460)
"""Day numbers (since 2022-01-01) a session moves the time between."""


def local_url(scheme: str, port: int, path: str) -> str:
    """A URL on 127.0.0.1 only (asserted)."""
    url = f"{scheme}://{HOST}:{port}{path}"
    assert urlsplit(url).hostname == HOST, url
    return url


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Results:
    """What every session measured: seconds per action, errors, bytes received."""

    times: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: list[str] = field(default_factory=list)
    ws_bytes: int = 0
    http_bytes: int = 0
    all_files_s: float | None = None
    """Model B: from the first click to the last file."""
    http_requests: int = 0


class ActionError(RuntimeError):
    """An action that did not end as a user expects (exception shown, error alert, bad download, timeout)."""


class Recorded(RuntimeError):
    """An action failed and its error is already in the results: the session stops."""


class Session:
    """One browser tab's worth of Streamlit session, on the Explore page."""

    def __init__(self, port: int, number: int, results: Results, rng: random.Random, pool: ThreadPoolExecutor):
        self.port, self.number, self.results, self.rng, self.pool = port, number, results, rng, pool
        self.ws = None
        self.query = ""
        self.ids: dict[str, str] = {}
        self.states: dict[str, object] = {}
        self.player_args: dict = {}
        self.component = ""
        self.download_url = ""
        self.fetched: set[str] = set()
        self.message_id = 0
        self.waiting_fragment = ""

    async def __aenter__(self) -> Session:
        import websockets

        url = local_url("ws", self.port, "/_stcore/stream")
        self.ws = await asyncio.wait_for(websockets.connect(
            url, subprotocols=["streamlit"], max_size=64 * 1024 * 1024, origin=local_url("http", self.port, ""),
            open_timeout=ACTION_TIMEOUT_S, ping_interval=None), ACTION_TIMEOUT_S)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _widget_states(self, trigger: str | None):
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        states = WidgetStates()
        for key, value in self.states.items():
            if key not in self.ids:
                continue
            state = states.widgets.add()
            state.id = self.ids[key]
            if isinstance(value, list):
                state.string_array_value.data.extend(value)
            elif isinstance(value, dict):
                state.json_value = json.dumps(value)
            else:
                state.string_value = str(value)
        if trigger:
            state = states.widgets.add()
            state.id = self.ids[trigger]
            state.trigger_value = True
        return states

    async def rerun(self, trigger: str | None = None, fragment: str = "") -> None:
        """Send a rerun with the page's query string and widget states (of one fragment, when given, as the
        browser does for a fragment's ``run_every``); read until the script finishes."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.page_name = "explore"
        message.rerun_script.widget_states.CopyFrom(self._widget_states(trigger))
        if fragment:
            message.rerun_script.fragment_id = fragment
            message.rerun_script.is_auto_rerun = True
        self.waiting_fragment = ""
        await self.ws.send(message.SerializeToString())
        self.download_url = ""
        problems: list[str] = []
        for _ in range(100_000):
            data = await asyncio.wait_for(self.ws.recv(), ACTION_TIMEOUT_S)
            self.results.ws_bytes += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "page_info_changed":
                self.query = forward.page_info_changed.query_string
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                problems += self._element(forward.delta.new_element)
                if forward.delta.new_element.WhichOneof("type") == "progress" and forward.delta.fragment_id:
                    self.waiting_fragment = forward.delta.fragment_id  # the export panel waits for the queue
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script asked for a rerun (st.rerun): the browser waits for that run too
                if forward.script_finished not in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                   ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):  # a panel's poll
                    problems.append(f"script finished with status {forward.script_finished}")
                break
        else:
            problems.append("no script_finished after 100,000 messages")
        if problems:
            raise ActionError("; ".join(problems))

    def _element(self, element) -> list[str]:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "")
        if widget_id.startswith("$$ID-"):
            self.ids[widget_id.split("-", 2)[2]] = widget_id
        if kind == "exception":
            return [f"exception: {proto.type}: {proto.message}"]
        if kind == "alert" and proto.format == 1:  # ERROR
            return [f"error shown: {proto.body[:200]}"]
        if kind == "component_instance" and proto.component_name.endswith("corridor_player"):
            self.component = proto.component_name
            self.player_args = json.loads(proto.json_args)
        if kind == "download_button":
            self.download_url = proto.url
        return []

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(local_url("http", self.port, path), timeout=ACTION_TIMEOUT_S) as answer:
            if answer.status != 200:
                raise ActionError(f"GET {path}: HTTP {answer.status}")
            return answer.read()

    async def get(self, path: str) -> bytes:
        body = await asyncio.get_running_loop().run_in_executor(self.pool, self._get, path)
        self.results.http_bytes += len(body)
        self.results.http_requests += 1
        return body

    async def fetch_player_data(self) -> None:
        """What the player's iframe does when its data key is new: fetch the data file once."""
        url = (self.player_args.get("data") or {}).get("url")
        if not url:
            raise ActionError("the page drew no player (no data url in its args)")
        if url not in self.fetched:
            body = await self.get(f"/component/{self.component}/{url}")
            if not body.startswith(b"{"):
                raise ActionError(f"the player data {url} is not JSON")
            self.fetched.add(url)

    # ----- what a user does -----
    async def open(self) -> None:
        await self.get("/")
        await self.rerun()
        await self.fetch_player_data()

    async def move_time(self) -> None:
        self.message_id += 1
        data_key = (self.player_args.get("data") or {}).get("key")
        self.states["explore-player"] = {
            "id": f"load-{self.number}:{self.message_id}", "kind": "pause", "key": data_key,
            "date": self.rng.randint(*EPOCH_DAYS), "window": self.rng.choice([None, 30, 90]),
            "camera": {"longitude": 95, "latitude": 50, "zoom": 2.3, "pitch": 0, "bearing": 0}}
        await self.rerun()

    async def filter(self) -> None:
        chosen = self.rng.sample(list(schema.CATEGORIES.values()), k=self.rng.choice([0, 1, 2]))
        self.states["explore-cat"] = chosen
        await self.rerun()
        await self.fetch_player_data()

    async def export_view(self, query: str) -> None:
        """Export the view ``query`` describes (a URL query string), as a user who opened that link would."""
        self.query = query
        await self.export_png()

    async def export_png(self) -> None:
        """Prepare a PNG and download it: from the click to the file, waiting in the render queue as the
        browser does (the export panel's fragment reruns every POLL_S until the file is there)."""
        self.states["export-format"] = PNG_LABEL
        await self.rerun(trigger="export-prepare")
        deadline = time.monotonic() + ACTION_TIMEOUT_S
        while not self.download_url and self.waiting_fragment and time.monotonic() < deadline:
            await asyncio.sleep(POLL_S)
            await self.rerun(fragment=self.waiting_fragment)
        if not self.download_url:
            raise ActionError("no download button after Prepare")
        body = await self.get(self.download_url)
        if not body.startswith(b"\x89PNG"):
            raise ActionError(f"the download {self.download_url} is not a PNG")


async def timed(results: Results, action: str, step) -> None:
    """Run one action under the action timeout; record its time, or its error (then raise Recorded)."""
    started = time.perf_counter()
    try:
        await asyncio.wait_for(step(), ACTION_TIMEOUT_S)
    except Exception as exc:  # any failure (a closed websocket, a timeout, a bad answer) is an error of the run
        results.errors.append(f"{action}: {type(exc).__name__}: {exc}")
        raise Recorded(action) from exc
    results.times[action].append(time.perf_counter() - started)


async def user(port: int, number: int, deadline: float, think_s: float, results: Results, seed: int,
               pool: ThreadPoolExecutor, max_actions: int = MAX_ACTIONS_PER_SESSION) -> None:
    """One user: open Explore, then move the time, filter and export, with pauses, until the deadline."""
    rng = random.Random(seed * 1000 + number)
    await asyncio.sleep(rng.uniform(0, min(3.0, think_s * 2)))  # users do not all arrive in the same instant
    try:
        async with Session(port, number, results, rng, pool) as session:
            await timed(results, "open", session.open)
            for step in range(max_actions):
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
                if time.monotonic() >= deadline:
                    break
                action = PLAN[step % len(PLAN)]
                method = {"time": session.move_time, "filter": session.filter, "export": session.export_png}[action]
                await timed(results, action, method)
    except Recorded:
        pass
    except Exception as exc:  # e.g. the websocket would not open
        results.errors.append(f"session {number}: {type(exc).__name__}: {exc}")


MODELS = {
    "A": "a room: the sessions arrive evenly over 30 s and stay 120 s; each opens Explore, moves the time about "
         "every 5 s, filters twice and exports one or two PNGs, 60% of them of one of five story-chapter views, "
         "the rest of random views",
    "B": "everyone presses Export: the sessions open Explore, then all export the same view within 10 s",
}
"""The load models of issue 15 (``--model``); ``classic`` is the older loop of PLAN with think times."""


def chapter_queries(count: int = 5) -> list[str]:
    """The URL query strings of the first ``count`` chapter views of the shipped story."""
    from urllib.parse import urlencode

    from layers.load.catalog import load_catalog
    from layers.model.story import chapter_view

    story = load_catalog(ROOT / "geodata").stories["russia-dprk"]
    return [urlencode(chapter_view(story, c).to_params()) for c in story.chapters[:count]]


def random_query(rng: random.Random) -> str:
    """A random view: a date, a window or none, and zero to two categories."""
    import datetime as dt
    from urllib.parse import urlencode

    day = dt.date(2022, 9, 1) + dt.timedelta(days=rng.randint(0, 1200))
    params = {"t": day.isoformat()}
    if rng.random() < 0.5:
        params["w"] = str(rng.choice([30, 90, 180]))
    cats = rng.sample(list(schema.CATEGORIES), k=rng.choice([0, 1, 2]))
    if cats:
        params["cat"] = ",".join(cats)
    return urlencode(params)


async def room_user(port: int, number: int, sessions: int, duration_s: float, results: Results, seed: int,
                    pool: ThreadPoolExecutor, chapters: list[str], arrive_s: float = 30.0) -> None:
    """Model A: one user of a room (MODELS['A'])."""
    rng = random.Random(seed * 1000 + number)
    start = time.monotonic()
    await asyncio.sleep(arrive_s * number / max(1, sessions))  # arrivals spread evenly (30 s in model A)
    deadline = time.monotonic() + duration_s
    plan = [(5.0 * k, "time") for k in range(1, int(duration_s // 5) + 1)]
    plan += [(rng.uniform(10, duration_s - 10), "filter") for _ in range(2)]
    plan += [(rng.uniform(15, duration_s - 5), "export") for _ in range(rng.choice([1, 2]))]
    plan.sort()
    try:
        async with Session(port, number, results, rng, pool) as session:
            await timed(results, "open", session.open)
            opened = time.monotonic()
            for at, action in plan:
                wait = opened + at + rng.uniform(-1.0, 1.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if time.monotonic() >= deadline:
                    break
                if action == "time":
                    await timed(results, "time", session.move_time)
                elif action == "filter":
                    await timed(results, "filter", session.filter)
                else:
                    query = rng.choice(chapters) if rng.random() < 0.6 else random_query(rng)
                    await timed(results, "export", lambda q=query: session.export_view(q))
    except Recorded:
        pass
    except Exception as exc:  # e.g. the websocket would not open
        results.errors.append(f"session {number}: {type(exc).__name__}: {exc}")
    del start


async def press_export_user(port: int, number: int, results: Results, seed: int, pool: ThreadPoolExecutor,
                            query: str, everyone: dict, window_s: float) -> None:
    """Model B: open Explore; once every session has, press Export on ``query``'s view at a random moment of
    the same ``window_s`` seconds as the others."""
    rng = random.Random(seed * 1000 + number)
    try:
        async with Session(port, number, results, rng, pool) as session:
            await timed(results, "open", session.open)
            everyone["opened"] += 1
            if everyone["opened"] >= everyone["sessions"]:
                everyone["go"].set()
            await asyncio.wait_for(everyone["go"].wait(), WARMUP_LIMIT_S)
            await asyncio.sleep(rng.uniform(0, window_s))
            everyone["first_click"] = min(everyone.get("first_click", float("inf")), time.monotonic())
            await timed(results, "export", lambda: session.export_view(query))
            everyone["last_file"] = max(everyone.get("last_file", 0.0), time.monotonic())
    except Recorded:
        pass
    except Exception as exc:
        results.errors.append(f"session {number}: {type(exc).__name__}: {exc}")
        everyone["opened"] += 1
        if everyone["opened"] >= everyone["sessions"]:
            everyone["go"].set()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the server and its render workers), in MB."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        with contextlib.suppress(OSError, ValueError):
            total += rss_mb(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return total


def sample_memory(pid: int, stop: threading.Event, samples: list[tuple[float, float]], every_s: float = 0.5) -> None:
    started = time.monotonic()
    while not stop.wait(every_s):
        with contextlib.suppress(OSError):
            samples.append((time.monotonic() - started, tree_rss_mb(pid)))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def load(port: int, sessions: int, duration_s: float, think_s: float, seed: int,
               max_actions: int = MAX_ACTIONS_PER_SESSION, model: str = "classic", arrive_s: float = 30.0,
               window_s: float = 10.0) -> Results:
    results = Results()
    deadline = time.monotonic() + duration_s
    with ThreadPoolExecutor(max_workers=max(4, sessions)) as pool:
        if model == "A":
            chapters = chapter_queries()
            await asyncio.gather(*(room_user(port, n, sessions, duration_s, results, seed, pool, chapters, arrive_s)
                                   for n in range(sessions)))
        elif model == "B":
            everyone = {"sessions": sessions, "opened": 0, "go": asyncio.Event()}
            query = random_query(random.Random(seed))  # one view nobody has exported yet
            await asyncio.gather(*(press_export_user(port, n, results, seed, pool, query, everyone, window_s)
                                   for n in range(sessions)))
            if "last_file" in everyone:
                results.all_files_s = everyone["last_file"] - everyone["first_click"]
        else:
            await asyncio.gather(*(user(port, n, deadline, think_s, results, seed, pool, max_actions)
                                   for n in range(sessions)))
    return results


def one_round(port: int, pid: int, args: argparse.Namespace, seed: int) -> tuple[Results, Results, dict]:
    """The sessions, then the server's memory once they closed, after the TTL and after the next visit."""
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(pid, stop, samples), daemon=True)
    sampler.start()
    load_before = os.getloadavg()[0]
    t0 = time.monotonic()
    results = asyncio.run(load(port, args.sessions, args.duration, args.think, seed, model=args.model,
                               arrive_s=args.arrive, window_s=args.window))
    elapsed = time.monotonic() - t0
    load_during = os.getloadavg()[1]  # the 5-minute average, mostly this run
    rss_closed = tree_rss_mb(pid)
    time.sleep(args.settle)
    rss_after = tree_rss_mb(pid)
    # Streamlit drops expired sessions lazily (its session store is a TTL cache, pruned when it changes):
    # the next visitor's session is what lets the closed ones go.
    visit = asyncio.run(load(port, 1, WARMUP_LIMIT_S, 0.0, seed + 1, max_actions=0))
    time.sleep(min(2.0, args.settle))
    rss_visit = tree_rss_mb(pid)
    stop.set()
    sampler.join(timeout=5)
    during = [mb for _, mb in samples]
    settled = [(t, mb) for t, mb in samples if t >= args.warm_s]
    slope = None
    if len(settled) >= 10:  # least squares, MB per minute, after the warm-up
        ts = [t for t, _ in settled]
        ms = [mb for _, mb in settled]
        t_mean, m_mean = statistics.fmean(ts), statistics.fmean(ms)
        var = sum((t - t_mean) ** 2 for t in ts)
        slope = 60.0 * sum((t - t_mean) * (m - m_mean) for t, m in settled) / var if var else None
    memory = {"peak_during": round(max(during, default=rss_closed), 1),
              "median_during": round(statistics.median(during), 1) if during else None,
              "just_after_close": round(rss_closed, 1), "after_settle": round(rss_after, 1),
              "after_next_visit": round(rss_visit, 1), "elapsed_s": round(elapsed, 1),
              "loadavg_before": round(load_before, 1), "loadavg_5min_at_end": round(load_during, 1),
              "slope_mb_per_min": round(slope, 2) if slope is not None else None}
    return results, visit, memory


def run(args: argparse.Namespace) -> dict:
    """Start the app, warm it up, run the rounds of sessions and watch the memory; every figure in a dict."""
    port = args.port or free_port()
    logs = Path(args.log or "/tmp")
    busy = os.getloadavg()[0]
    if busy > 1.0 and not args.allow_busy:
        raise SystemExit(f"the machine is busy (load average {busy:.1f} > 1): the figures would measure that; "
                         "wait, or pass --allow-busy to run anyway (the report flags it)")
    import tempfile

    state = Path(tempfile.mkdtemp(prefix="corridor-load-state-"))  # its own state folder: the queue's counters
    with start_app(args.data, logs, port=port, extra_env={"CORRIDOR_STATE": str(state)}, app_dir=args.app_dir,
                   extra_args=["--server.disconnectedSessionTTL", str(args.session_ttl)]) as app:
        server = app.process
        started = time.monotonic()
        # One user first goes through every action, so that what is loaded once per server (the data, the static
        # map's projected basemap, fonts) is in the baseline and not counted as the sessions' memory.
        warm = asyncio.run(load(port, 1, WARMUP_LIMIT_S, 0.0, args.seed, max_actions=len(PLAN) - 2))
        rss_idle = tree_rss_mb(server.pid)
        queue_before = _queue_stats(state)
        rounds = [one_round(port, server.pid, args, args.seed + 100 * n) for n in range(args.rounds)]
        alive = server.poll() is None
        queue_after = _queue_stats(state)
    results = Results()
    errors = list(warm.errors)
    for done, visit, _ in rounds:
        for action, times in done.times.items():
            results.times[action] += times
        errors += done.errors + visit.errors
        results.ws_bytes += done.ws_bytes
        results.http_bytes += done.http_bytes
        results.http_requests += done.http_requests
    elapsed = sum(memory["elapsed_s"] for _, _, memory in rounds)
    return {
        "sessions": args.sessions, "duration_s": args.duration, "think_s": args.think, "rounds": args.rounds,
        "elapsed_s": round(elapsed, 1), "server_start_to_end_s": round(time.monotonic() - started, 1),
        "server_alive": alive, "errors": len(errors), "error_samples": errors[:10],
        "first_open_s": round(warm.times["open"][0], 2) if warm.times["open"] else None,
        "warmup_actions": sum(len(t) for t in warm.times.values()),
        "actions": {a: {"count": len(t), "p50_s": round(percentile(t, 0.5), 3), "p95_s": round(percentile(t, 0.95), 3),
                        "max_s": round(max(t), 3) if t else float("nan")} for a, t in results.times.items()},
        "actions_per_s": round(sum(len(t) for t in results.times.values()) / max(elapsed, 1e-9), 2),
        "websocket_mb": round(results.ws_bytes / 1e6, 1), "http_mb": round(results.http_bytes / 1e6, 1),
        "http_requests": results.http_requests,
        "rss_mb_idle_after_warmup": round(rss_idle, 1), "rss_mb": [memory for _, _, memory in rounds],
        "cpus": os.cpu_count(), "settle_s": args.settle, "session_ttl_s": args.session_ttl, "log": str(app.log),
        "warm_s": args.warm_s, "app_dir": str(args.app_dir),
        "model": args.model, "model_text": MODELS.get(args.model, "the PLAN loop with think times"),
        "loadavg_at_start": round(busy, 2), "busy_start": busy > 1.0,
        "all_files_s": [round(d.all_files_s, 1) for d, _, _ in rounds if d.all_files_s is not None],
        "queue": {k: queue_after.get(k, 0) - queue_before.get(k, 0) for k in queue_after},
    }


def _queue_stats(state: Path) -> dict:
    """The render queue's counters (ui.downloads.QUEUE_STATS in the server's state folder)."""
    try:
        return json.loads((state / "render-queue.json").read_text())
    except (OSError, ValueError):
        return {}


def report(figures: dict) -> str:
    q = figures.get("queue") or {}
    asked = q.get("requests", 0)
    hits = q.get("cache_hits", 0) + q.get("joined", 0)
    head = [f"Model {figures['model']}: {figures['model_text']}.",
            f"load average at the start: {figures['loadavg_at_start']}"
            + (" (BUSY: the machine was not idle; these figures are flagged)" if figures["busy_start"] else ""),
            f"render queue: {asked} requests, {q.get('rendered', 0)} rendered, {q.get('cache_hits', 0)} from the "
            f"cache and {q.get('joined', 0)} joined to one in progress: hit rate "
            f"{(hits / asked if asked else float('nan')):.0%}"]
    if figures.get("all_files_s"):
        head.append(f"all files delivered within {figures['all_files_s']} s of the first click")
    lines = [*head, f"Load test: {figures['sessions']} sessions x {figures['duration_s']:.0f} s on {HOST} "
             f"(think time ~{figures['think_s']} s between actions; ran {figures['elapsed_s']} s)",
             f"errors: {figures['errors']}" + ("" if not figures["errors"] else " e.g. " + "; ".join(
                 figures["error_samples"][:3])),
             f"{'action':8} {'count':>6} {'p50 s':>8} {'p95 s':>8} {'max s':>8}"]
    for action, row in figures["actions"].items():
        lines.append(f"{action:8} {row['count']:>6} {row['p50_s']:>8.3f} {row['p95_s']:>8.3f} {row['max_s']:>8.3f}")
    lines.append(f"throughput: {figures['actions_per_s']} actions/s; received {figures['websocket_mb']} MB over "
                 f"websockets, {figures['http_mb']} MB in {figures['http_requests']} HTTP requests")
    lines.append(f"server RSS MB idle after warm-up: {figures['rss_mb_idle_after_warmup']} "
                 f"(server.disconnectedSessionTTL={figures['session_ttl_s']} s for this run)")
    for n, mem in enumerate(figures["rss_mb"], 1):
        lines.append(f"  round {n}: median during {mem['median_during']}, peak {mem['peak_during']}, just after the "
                     f"sessions closed {mem['just_after_close']}, {figures['settle_s']:.0f} s later "
                     f"{mem['after_settle']}, after the next visitor's session {mem['after_next_visit']} "
                     f"(load average {mem['loadavg_before']} before, {mem['loadavg_5min_at_end']} at the end); "
                     f"growth after the first {figures['warm_s']:.0f} s: {mem['slope_mb_per_min']} MB/min")
    peaks = [mem["peak_during"] for mem in figures["rss_mb"]]
    if len(peaks) > 1:
        lines.append(f"peaks of the rounds: {peaks}: the largest is {100 * (max(peaks) / min(peaks) - 1):.1f}% above "
                     "the smallest")
    lines.append(f"machine: {figures['cpus']} CPUs shared with whatever else runs; the client runs on it too. "
                 f"Server still up at the end: {figures['server_alive']}; its log: {figures['log']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="concurrent sessions (default 30)")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds the sessions run (default 120)")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a user's actions, s (default 2)")
    parser.add_argument("--session-ttl", type=int, default=15,
                        help="server.disconnectedSessionTTL for the run, s (Streamlit's default is 120): how long "
                             "the server keeps a closed session's state (default 15)")
    parser.add_argument("--settle", type=float, default=None,
                        help="seconds to wait after the sessions close before the last memory figure "
                             "(default: the TTL + 10)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the sessions this many times, measuring memory after each (default 1)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--data", type=Path, default=None, help="data folder (CORRIDOR_DATA; default geodata/)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="folder for the server log (default /tmp; the file is streamlit-PORT.log)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--model", choices=["classic", "A", "B"], default="classic",
                        help="A: a room; B: everyone presses Export (see MODELS); classic: the PLAN loop")
    parser.add_argument("--warm-s", type=float, default=60.0,
                        help="memory growth is fitted to the samples after this many seconds of a round (default 60)")
    parser.add_argument("--app-dir", type=Path, default=ROOT,
                        help="the checkout whose app.py to serve (e.g. an older commit, for a before/after table)")
    parser.add_argument("--arrive", type=float, default=30.0, help="model A: seconds over which sessions arrive")
    parser.add_argument("--window", type=float, default=10.0, help="model B: seconds within which all export")
    parser.add_argument("--allow-busy", action="store_true",
                        help="run even when the load average is above 1 (the report flags it)")
    args = parser.parse_args(argv)
    if not (1 <= args.sessions <= 500 and 0 < args.duration <= 3600 and 0 <= args.think <= 60
            and 1 <= args.rounds <= 10):
        parser.error("expected 1-500 sessions, 0-3600 s, a think time of 0-60 s, 1-10 rounds")
    if args.settle is None:
        args.settle = args.session_ttl + 10
    figures = run(args)
    print(json.dumps(figures, indent=1) if args.json else report(figures))
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
