"""JavaScript time per animation frame of the map player at 200 and 10,000 synthetic flows (headless chromium).

    .venv/bin/python benchmarks/player_frames.py [N ...] [--seconds 5] [--json]

A thin entry point to ``layers.bench.browser`` (which ``python -m layers bench`` also uses for ``frame_ms``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layers.bench.browser import main

if __name__ == "__main__":
    sys.exit(main())
