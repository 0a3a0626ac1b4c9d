"""Benchmarks: run with ``make bench`` (``python -m benchmarks``); each prints its table."""
