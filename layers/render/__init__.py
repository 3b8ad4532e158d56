"""Rendering: the player's payload, the pydeck spec, the static map (PNG, SVG, PDF) and the words they share."""
