"""Benchmarks: scripts that build a large organisation with the sample generator and print
measured figures (``python -m benchmarks``). They assert nothing: the machines are noisy,
so they report medians and percentiles, and ratios against plain DuckDB in the same run.
"""

import os

#: The allocator setting of the environment the benchmarks were started in (None: none). Polars writes
#: its own default into the environment when it is imported, and a loader started afterwards would
#: inherit that instead of choosing as ``python -m etl`` does (etl/__init__.py): ``common.child_env``
#: gives the children this one.
ALLOCATOR_CONF = os.environ.get("_RJEM_MALLOC_CONF")
