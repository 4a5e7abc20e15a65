"""Benchmarks: scripts that build a large organisation with the sample generator and print
measured figures (``python -m benchmarks``). They assert nothing: the machines are noisy,
so they report medians and percentiles, and ratios against plain DuckDB in the same run.
"""
