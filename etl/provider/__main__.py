"""``python -m etl.provider [--profile my.toml] export.csv``: check a mapping profile against a file."""

import sys

from etl.provider import main

sys.exit(main())
