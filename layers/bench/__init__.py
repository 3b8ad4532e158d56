"""Benchmarks of the engine: speed and memory figures, synthetic data, the player in a browser."""
