"""Readers for each export format, the loader, and the warehouse they write."""

import os

# Polars' allocator keeps freed pages for 10 s before returning them. A load lets go of the
# file's frames before DuckDB's steps need memory; returning those pages within a tenth of a
# second keeps the peak of a 1M-row CSV load about 0.4 GB lower (within half a second: the
# freed pages of the read were still resident when the next steps allocated, 0.9-1.2 GB), at
# no measured cost. The allocator
# reads this when Polars is first imported, so it applies when etl comes first (the command
# line, the benchmarks); set the variable yourself to choose otherwise.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")
