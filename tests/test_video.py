"""Films (layers.export.video): decoded again with PyAV; frames against the PNG export; flows moving; the player's
clock shared with time.js; captions and chapters of a story film; the export command."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from layers.export.video import VIDEO_FORMATS, pool, story_film, view_clip
from layers.export.video.clip import clip_view
from layers.export.video.frames import MapFrames
from layers.export.video.timeline import clip_range, frame_times
from layers.load.catalog import Catalog, load_catalog
from layers.model.dates import day_number
from layers.model.view import View
from layers.query import trips as rule
from layers.query.flows import paths
from layers.render.payload import payload
from layers.render.static_map import projected_paths, render_map
from tests.test_exports_pptx import write_story
from tests.test_player_golden import node

ROOT = Path(__file__).resolve().parent.parent
W, H = 320, 180
PLAIN = View(date=dt.date(2023, 10, 1))


def decode(data: bytes) -> tuple[av.video.stream.VideoStream, list[np.ndarray], float, list[dict]]:
    """The video stream, every frame as RGB, the running time (s) and the container's chapters."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return stream, frames, float(container.duration or 0) / 1e6, list(container.chapters())


@pytest.mark.parametrize("fmt", VIDEO_FORMATS)
def test_a_two_second_clip_decodes_with_the_size_frames_and_duration_asked(tiny: Catalog, fmt: str) -> None:
    film = view_clip(tiny, PLAIN, fmt, width=W, height=H, fps=10, seconds=2.0,
                     date_from=dt.date(2023, 8, 1), date_to=dt.date(2023, 9, 30))
    stream, frames, seconds, _ = decode(film.data)
    assert (film.fmt, film.frames, film.seconds, film.captions) == (fmt, 20, 2.0, {})
    assert (stream.width, stream.height) == (W, H)
    assert len(frames) == 20 and frames[0].shape == (H, W, 3)
    assert seconds == pytest.approx(2.0, abs=0.11)
    assert stream.codec_context.name == {"mp4": "h264", "webm": "vp9", "gif": "gif"}[fmt]


def test_a_clip_reports_its_progress_up_to_one(tiny: Catalog) -> None:
    seen: list[float] = []
    view_clip(tiny, PLAIN, "mp4", width=W, height=H, fps=5, seconds=1.0, progress=seen.append)
    assert len(seen) == 5 and seen == sorted(seen) and seen[-1] == 1.0


def test_the_middle_frame_is_the_png_export_of_its_day(tiny: Catalog) -> None:
    """Drawn frames: the map without moving flows is the PNG pixel for pixel; with them, only their trails and
    heads differ (under 3 % of the pixels). Decoded H.264 (4:2:0 colour, CRF 23): within 4 levels on average and
    98 % of pixels within 24 levels of the PNG, which a frame of another day or camera misses."""
    start, end = dt.date(2023, 8, 1), dt.date(2023, 9, 30)
    view = clip_view(tiny, PLAIN, start, end, W, H)
    times = frame_times(start, end, 10, 2.0)
    middle = float(times[len(times) // 2])
    day = dt.date.fromordinal(dt.date(2022, 1, 1).toordinal() + int(middle))
    png = np.asarray(Image.open(io.BytesIO(render_map(tiny, view.with_(date=day), width=W, height=H))))
    drawn = MapFrames(tiny, view, W, H)
    assert np.array_equal(drawn.still(middle)[..., :3], png)
    moving = drawn.frame(middle)[..., :3]
    changed = np.abs(moving.astype(int) - png).max(axis=2) > 0
    assert 0 < changed.mean() < 0.03, "the travelling flows are drawn, and nothing else differs"

    film = view_clip(tiny, PLAIN, "mp4", width=W, height=H, fps=10, seconds=2.0, date_from=start, date_to=end)
    _, frames, _, _ = decode(film.data)
    diff = np.abs(frames[len(frames) // 2].astype(int) - png).max(axis=2)
    assert diff.mean() < 4 and (diff <= 24).mean() > 0.98
    other = np.asarray(Image.open(io.BytesIO(render_map(tiny, view.with_(date=dt.date(2023, 8, 20)), width=W,
                                                        height=H))))
    assert (np.abs(frames[len(frames) // 2].astype(int) - other).max(axis=2) > 24).mean() > 0.001


def test_a_travelling_flow_advances_along_its_route_towards_its_destination(tiny: Catalog) -> None:
    start, end = dt.date(2023, 9, 10), dt.date(2023, 9, 30)
    view = clip_view(tiny, View(date=end), start, end, W, H)
    drawn = MapFrames(tiny, view, W, H)
    times = frame_times(start, end, 30)
    k = 3
    first = drawn.frame(float(times[k])).copy()
    heads_k = dict(drawn.heads)
    later = drawn.frame(float(times[k + 5])).copy()
    heads_k5 = dict(drawn.heads)
    both = set(heads_k) & set(heads_k5)
    assert both, "a flow is travelling in both frames"
    lines = projected_paths(tiny)
    for i in both:
        key = drawn.trips.path[i]
        line, frac = lines[key], paths(tiny)[key].fraction
        along = [_fraction_along(line, frac, h) for h in (heads_k[i], heads_k5[i])]
        assert along[1] > along[0] + 0.01, f"{key}: the head moved towards the destination ({along})"
    assert (np.abs(first.astype(int) - later).max(axis=2) > 0).sum() > 20, "the pixels moved too"


def test_frames_drawn_by_worker_processes_are_the_frames_drawn_here(tiny: Catalog) -> None:
    """The pool's runs, each drawn by a forked worker into shared memory, come back in order and equal to the
    frames this process draws; the workers are gone when the frames stop being read, early or at the end."""
    import multiprocessing

    start, end = dt.date(2023, 8, 1), dt.date(2023, 10, 30)
    view = clip_view(tiny, PLAIN, start, end, W, H)
    times = frame_times(start, end, 30)
    alone = MapFrames(tiny, view, W, H)
    here = [alone.frame(float(t))[..., :3].copy() for t in times]
    changes = alone.changes(times)
    assert changes[0] == 0 and len(changes) == alone.redraws > 1, "changes() foretells the redraws"
    drawn = MapFrames(tiny, view, W, H)
    got = [f.copy() for f in pool.frames(drawn, times, workers=2)]
    assert len(got) == len(here) and all(np.array_equal(a, b) for a, b in zip(got, here, strict=True))
    assert not multiprocessing.active_children()
    stream = pool.frames(MapFrames(tiny, view, W, H), times, workers=2)
    next(stream)
    assert multiprocessing.active_children(), "the workers run"
    stream.close()  # a cancelled or failed film
    assert not multiprocessing.active_children()


def test_runs_start_where_the_map_is_redrawn_anyway_and_cover_every_frame() -> None:
    runs = pool.runs(np.array([0, 5, 27, 30, 70]), 100, 24)
    assert runs == [(0, 27), (27, 51), (51, 75), (75, 99), (99, 100)]
    assert pool.runs(np.array([0]), 10, 24) == [(0, 10)]


def test_a_failing_worker_fails_the_film(tiny: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    drawn = MapFrames(tiny, clip_view(tiny, PLAIN, dt.date(2023, 8, 1), dt.date(2023, 9, 30), W, H), W, H)
    monkeypatch.setattr(MapFrames, "frame", lambda self, t: 1 / 0)  # forked workers inherit the failure
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        list(pool.frames(drawn, np.arange(80) + 19_000.0, workers=2))
    assert not multiprocessing.active_children()


def test_a_camera_move_past_its_rasters_shows_sea_beyond_them(tiny: Catalog) -> None:
    from layers.export.video.frames import CameraMove
    from layers.model.view import Camera

    move = CameraMove(tiny, Camera(longitude=100, latitude=50, zoom=3), Camera(longitude=131, latitude=43, zoom=7),
                      W, H)
    move.rasters = move.rasters[:1]  # the frames far from it are not covered: they used to fail ("box offset")
    assert all(move.frame(x).shape == (H, W, 3) for x in np.linspace(0, 1, 5))


def _fraction_along(line: np.ndarray, frac: np.ndarray, point: np.ndarray) -> float:
    """Where on a path (0 at its origin, 1 at its destination) a point lies: the nearest of many samples."""
    samples = np.linspace(0, 1, 2001)
    xy = np.column_stack([np.interp(samples, frac, line[:, 0]), np.interp(samples, frac, line[:, 1])])
    return float(samples[np.argmin(np.hypot(*(xy - point).T))])


def test_a_clip_without_dates_plays_the_views_window_or_the_record_up_to_its_date(tiny: Catalog) -> None:
    first = tiny.time_range[0]
    assert clip_range(tiny, View(date=dt.date(2024, 1, 31), window_days=30)) == (dt.date(2024, 1, 1),
                                                                                 dt.date(2024, 1, 31))
    assert clip_range(tiny, View(date=dt.date(2024, 1, 31))) == (first, dt.date(2024, 1, 31))
    assert clip_range(tiny, View()) == tiny.time_range
    times = frame_times(dt.date(2024, 1, 1), dt.date(2024, 1, 30), 30)  # 30 days at 30 days a second: 2 s minimum
    assert len(times) == 60 and times[0] == day_number(dt.date(2024, 1, 1))
    assert len(frame_times(dt.date(2023, 1, 1), dt.date(2023, 12, 31), 30)) == 365  # the player's clock


def test_bad_sizes_formats_and_rates_are_refused(tiny: Catalog) -> None:
    for kwargs in ({"width": 321}, {"fps": 0}, {"width": 8}, {"seconds": -1.0}):
        with pytest.raises(ValueError):
            view_clip(tiny, PLAIN, "mp4", **{"width": W, "height": H, **kwargs})
    with pytest.raises(ValueError):
        view_clip(tiny, PLAIN, "avi")


CASES = [(0, 20), (0, 200), (10, 100), (5, 79), (0, 76), (3.5, 500.25), (0, 14), (100, 1900)]


def test_the_trip_schedule_and_visibility_rule_match_the_players_time_js() -> None:
    """time.js's tripStarts and shown, run by node on the same cases as layers.query.trips; and the player's
    constants (state.js, the payload's trail length) are the ones Python uses."""
    script = f"""
      const t = require({json.dumps(str(ROOT / 'layers' / 'player' / 'time.js'))});
      const cases = {json.dumps(CASES)};
      const trips = cases.flatMap(([a, b]) => [2, 40].map((r) => t.tripStarts(a, b, 30, 45, r)));
      const t0 = Int32Array.from([0, 5, 10, 20, 40]); const t1 = Int32Array.from([3, 30, 10, 25, 60]);
      const shown = [];
      for (const day of [0, 4, 10, 26, 41, 70]) for (const w of [null, 1, 10]) {{
        const out = new Uint8Array(5); t.shown(t0, t1, day, w, out); shown.push(Array.from(out));
      }}
      console.log(JSON.stringify({{trips, shown}}));
    """
    out = json.loads(subprocess.run([node(), "-e", script], capture_output=True, text=True, check=True).stdout)
    ours = [rule.trip_starts(a, b, r) for a, b in CASES for r in (2, 40)]
    assert [{"starts": s, "dur": d} for s, d in ours] == out["trips"]
    t0, t1 = np.array([0, 5, 10, 20, 40]), np.array([3, 30, 10, 25, 60])
    assert [rule.shown(t0, t1, day, w).astype(int).tolist() for day in (0, 4, 10, 26, 41, 70)
            for w in (None, 1, 10)] == out["shown"]
    state = (ROOT / "layers" / "player" / "state.js").read_text(encoding="utf-8")
    for name in ("DAYS_PER_SECOND", "TRIP_DAYS", "TRIP_PERIOD", "MAX_TRIPS", "TRIP_BUDGET"):
        assert int(re.search(rf"const {name} = (\d+);", state).group(1)) == getattr(rule, name), name


def test_the_payload_gives_the_player_the_trail_the_film_draws(tiny: Catalog) -> None:
    assert payload(tiny, View())["style"]["trail_days"] == rule.TRAIL_DAYS


def _cues(text: str, sep: str) -> list[tuple[float, float, str]]:
    stamp = rf"(\d\d):(\d\d):(\d\d){sep}(\d\d\d)"
    found = []
    for block in re.split(r"\n\n+", text.strip()):
        m = re.search(rf"^{stamp} --> {stamp}$", block, re.M)
        if m:
            g = [int(x) for x in m.groups()]
            body = block[m.end():].strip()
            found.append((g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                          g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000, body))
    return found


@pytest.fixture
def story_catalog(tiny_folder: Path) -> Catalog:
    write_story(tiny_folder)
    catalog = load_catalog(tiny_folder)
    assert catalog.report.ok, catalog.report.format()
    return catalog


def test_a_story_film_has_a_chapter_per_chapter_and_captions_timed_to_them(story_catalog: Catalog) -> None:
    story = story_catalog.stories["corridor"]
    film = story_film(story_catalog, story, "mp4", width=W, height=H, fps=5)
    _stream, frames, seconds, chapters = decode(film.data)
    assert len(frames) == film.frames and seconds == pytest.approx(film.seconds, abs=0.25)
    assert [c["metadata"]["title"] for c in chapters] == [f"{c.number}. {c.title}" for c in story.chapters]
    vtt, srt = film.captions["vtt"], film.captions["srt"]
    assert vtt.startswith("WEBVTT\n")
    cues_vtt, cues_srt = _cues(vtt, r"\."), _cues(srt, ",")
    assert [c[:2] for c in cues_vtt] == [c[:2] for c in cues_srt] and len(cues_vtt) >= 2 + len(story.chapters)
    assert all(a[1] <= b[0] + 1e-6 for a, b in itertools.pairwise(cues_vtt)), "cues in order"
    bounds = [float(c[k] * c["time_base"]) for c in chapters for k in ("start", "end")]
    assert bounds[0] == 0 and bounds[-1] == pytest.approx(seconds, abs=0.25), "the chapters cover the film"
    assert all(a == pytest.approx(b) for a, b in zip(bounds[1:-1:2], bounds[2:-1:2], strict=True)), "end to end"
    titles = [next(c for c in cues_vtt if c[2].startswith(f"{ch.number}. {ch.title}")) for ch in story.chapters]
    assert cues_vtt[0][1] == pytest.approx(titles[0][0]), "the first chapter starts after the title card"
    for k, title in enumerate(titles[1:], 1):
        assert title[0] == pytest.approx(bounds[2 * k], abs=2e-3), "a chapter's title opens its part of the film"
        before = [c for c in cues_vtt if c[1] <= title[0] + 1e-6]
        assert before[-1][1] == pytest.approx(title[0], abs=2e-3), "the previous chapter's captions last until it"
    for a, b in zip(titles, [*titles[1:], cues_vtt[-1]], strict=True):
        assert b[0] - a[0] >= 1.5 + 2.0, "a move of at least 1.5 s, then the chapter"
    assert all(c[1] - c[0] >= 2.4 for c in cues_vtt), "each caption is held long enough to read"
    assert "Sources" in cues_vtt[-1][2]


def test_captions_escape_what_the_formats_reserve() -> None:
    from layers.export.video.captions import Cue, to_srt, to_vtt

    cue = Cue(0.0, 2.0, "<script>alert(1)</script> & -->", "a\n\nb")
    vtt = to_vtt([cue])
    assert "<script>" not in vtt and "&lt;script&gt;" in vtt and "&amp;" in vtt and vtt.count("-->") == 1
    srt = to_srt([cue])
    assert srt.count("-->") == 1 and "\n\n" not in srt.strip()


def test_the_export_command_writes_a_clip_and_a_story_with_its_captions(story_catalog: Catalog, tmp_path: Path
                                                                        ) -> None:
    folder = story_catalog.folder
    clip = tmp_path / "clip.webm"
    run = [sys.executable, "-m", "layers", "export"]
    done = subprocess.run([*run, "webm", "--data", str(folder), "--out", str(clip), "--from", "2023-08-01",
                           "--to", "2023-10-01", "--seconds", "1", "--fps", "10", "--width", "160", "--height", "90"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    stream, frames, _, _ = decode(clip.read_bytes())
    assert (stream.width, stream.height, len(frames)) == (160, 90, 10)
    film = tmp_path / "brief.mp4"
    done = subprocess.run([*run, "mp4", "--data", str(folder), "--story", "corridor", "--out", str(film),
                           "--fps", "4", "--width", "160", "--height", "90"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert film.with_suffix(".vtt").read_text().startswith("WEBVTT")
    assert film.with_suffix(".srt").read_text().startswith("1\n")
    bad = subprocess.run([*run, "mp4", "--data", str(folder), "--out", str(tmp_path / "x.mp4"), "--width", "161"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "even" in bad.stderr
