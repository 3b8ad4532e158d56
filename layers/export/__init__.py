"""Exports: the data behind a view (GeoJSON, CSV), the standalone HTML player, the PPTX deck, file names and the
``export`` command."""
