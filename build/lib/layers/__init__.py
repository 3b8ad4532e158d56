"""Corridor's engine: load, validate and join the geodata; select views; build flows, map layers and exports.

Nothing in this package imports Streamlit: pages and the command line sit on top of it.
"""
