"""Films of a view or a story (MP4, WebM, GIF) drawn by the static map and timed by the player's clock.

``view_clip`` plays a view's time range under a fixed camera; ``story_film`` plays a whole story (title card,
a camera move and the dates of each chapter with its captions and sources, a closing card of sources).
"""

from layers.export.formats import VIDEO_FORMATS
from layers.export.video.clip import Film, view_clip
from layers.export.video.story import story_film

__all__ = ["VIDEO_FORMATS", "Film", "story_film", "view_clip"]
