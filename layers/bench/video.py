"""The video figures of ``python -m layers bench`` (part ``video``): frames rendered and encoded per second for a
fixed-camera clip, beside the naive baseline (a full static render per frame, then the same encoder), the whole
story's render time against its running time, and the sizes of a 20 s 720p GIF and a 60 s 1080p MP4."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from layers.bench.synthetic import SEED, write_synthetic
from layers.export.video import story_film, view_clip
from layers.export.video.clip import clip_view
from layers.export.video.encode import Encoder
from layers.export.video.frames import day_of
from layers.export.video.timeline import frame_times
from layers.load.catalog import Catalog, load_catalog
from layers.model.view import View
from layers.render.static_map import render_map

VIDEO = ("video_720_fps", "video_720_naive_fps", "video_1080_fps", "video_10k_720_fps", "story_video_s",
         "story_video_length_s", "gif_20s_720_mb", "mp4_60s_1080_mb")
CLIP_VIEW = View()
CLIP_RANGE = (dt.date(2023, 7, 1), dt.date(2024, 6, 30))
"""A year of the record played at the player's 30 days a second: 12 s, the visible set changing ~90 times."""
NAIVE_FRAMES = 30
"""The naive baseline is timed over this many frames (it is slow)."""
SYNTHETIC_DAYS = 60
"""The 10,000-event clip plays the first 60 days of that year (2 s at the same pace): its events change every day,
so every frame redraws the map (about 4 s each), and the whole year took more than 10 minutes."""


def _fps(make: Callable[[], int]) -> float:
    started = time.perf_counter()
    frames = make()
    return frames / (time.perf_counter() - started)


def clip_fps(catalog: Catalog, width: int, height: int, days: int | None = None) -> float:
    """Frames per second of a fixed-camera MP4 clip of a year of ``catalog`` (or its first ``days``), drawn and
    encoded."""
    end = CLIP_RANGE[1] if days is None else CLIP_RANGE[0] + dt.timedelta(days=days - 1)
    return _fps(lambda: view_clip(catalog, CLIP_VIEW, "mp4", width=width, height=height, date_from=CLIP_RANGE[0],
                                  date_to=end).frames)


def naive_fps(catalog: Catalog, width: int, height: int) -> float:
    """The same clip's first frames drawn the naive way: a whole PNG export per frame, decoded, encoded."""
    view = clip_view(catalog, CLIP_VIEW, *CLIP_RANGE, width, height)
    times = frame_times(*CLIP_RANGE, 30)[:NAIVE_FRAMES]

    def make() -> int:
        encoder = Encoder("mp4", width, height, 30)
        for t in times:
            png = render_map(catalog, view.with_(date=day_of(float(t))), width=width, height=height)
            encoder.add(np.asarray(Image.open(io.BytesIO(png))))
        encoder.close()
        return len(times)

    return _fps(make)


def measure_video(real: Catalog, data: Path, tmp: Path, log: Callable[[str], None]) -> dict[str, float | None]:
    """Every video figure (see the module's docstring), on the real data and 10,000 synthetic events."""
    out: dict[str, float | None] = dict.fromkeys(VIDEO)
    out["video_720_fps"] = clip_fps(real, 1280, 720)
    out["video_720_naive_fps"] = naive_fps(real, 1280, 720)
    out["video_1080_fps"] = clip_fps(real, 1920, 1080)
    log(f"video: 720p {out['video_720_fps']:.1f} fps (naive {out['video_720_naive_fps']:.1f}), "
        f"1080p {out['video_1080_fps']:.1f} fps")
    synthetic = load_catalog(write_synthetic(data, tmp / "video-10000", 10_000, SEED, real))
    out["video_10k_720_fps"] = clip_fps(synthetic, 1280, 720, SYNTHETIC_DAYS)
    log(f"video: 10k events 720p {out['video_10k_720_fps']:.2f} fps ({SYNTHETIC_DAYS} days)")
    gif = view_clip(real, CLIP_VIEW, "gif", width=1280, height=720, seconds=20.0, date_from=CLIP_RANGE[0],
                    date_to=CLIP_RANGE[1])
    out["gif_20s_720_mb"] = len(gif.data) / 1e6
    mp4 = view_clip(real, CLIP_VIEW, "mp4", width=1920, height=1080, seconds=60.0)
    out["mp4_60s_1080_mb"] = len(mp4.data) / 1e6
    log(f"video: GIF 20 s 720p {out['gif_20s_720_mb']:.1f} MB; MP4 60 s 1080p {out['mp4_60s_1080_mb']:.1f} MB")
    if real.stories:
        story = next(iter(real.stories.values()))
        started = time.perf_counter()
        film = story_film(real, story, "mp4", width=1280, height=720, fps=30)
        out["story_video_s"], out["story_video_length_s"] = time.perf_counter() - started, film.seconds
        log(f"video: story {out['story_video_s']:.0f} s for {out['story_video_length_s']:.0f} s of film")
    else:
        log("story_video_s: no story in the data")
    return out
