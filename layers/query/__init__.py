"""Queries over a loaded catalog: which events a view shows, and the paths their flows follow."""
