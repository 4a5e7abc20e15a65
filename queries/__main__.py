"""``python -m queries list``: every page query with its audience, one line each."""

from __future__ import annotations

import argparse
import sys

from queries import REGISTRY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queries", description=__doc__)
    parser.add_argument("command", choices=["list"], help="list: each query's name and audience")
    parser.parse_args(argv)
    width = max(len(name) for name in REGISTRY) + 2
    for name in sorted(REGISTRY):
        q = REGISTRY[name]
        print(f"{name:<{width}}{q.audience.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
