"""The map player's browser files (HTML, JavaScript, CSS) and how they are served (``assets``)."""
