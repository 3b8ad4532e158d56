"""``python -m layers``: see layers.cli."""

import sys

from .cli import main

sys.exit(main())
