"""How small groups are hidden from executives: the rules a query names in ``small_groups=``.

Executives see aggregates only. Any group of fewer than ``MIN_GROUP`` people is
suppressed: its numbers become null and a ``suppressed`` column says so.

A number is also hidden when it would give a small group back by subtraction. An
executive can run the same query for the company, each department and each team (the
Org unit filter), so a department's number minus its shown teams' numbers would be the
hidden team's. The queries that count people by org unit therefore look at the whole org
tree before they answer (``protect_tree``, with the sizes from ``org_tree_sizes``):

- a unit with a small group is hidden (primary suppression);
- where a shown parent (the company, a department) has exactly one hidden child, its
  smallest other child is hidden too, or the parent itself when it has no other child;
- where a hidden parent has no hidden child, its smallest child is hidden too (else the
  parent would be the sum of its shown children);

repeated until nothing changes (``protect``, which takes any list of sums: the spend
queries add a unit's months and its vendors adding up to its year to date). Every query
decides on the same sizes with the same rule, so a unit hidden in one view is hidden in
every view of the same number on the same date. The query adds the decision as a column
(``TREE_FLAG``); the rules below hide the rows it marks and drop the column. A query that
does not look at the tree (a team lead's, whose rule never runs) has no such column; a
table without it gets complementary suppression within itself (``hide_small_cells``).

The decision depends on the data and the date only, not on the query or the Org unit
filter, so it is made once per date and kept while the data stays the same
(``decided_by_date``, ``decided``): the data door (``app.data``) gives every query it
runs one store per warehouse version (``remembering``), and the Overview's seven
queries, the Spend page's five, ... share one look at the tree per date.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import polars as pl

from queries._sql import run

MIN_GROUP = 5
SUPPRESSED_TEXT = "fewer than 5"

#: Added by queries that looked at the whole org tree: the row is hidden from executives (a small
#: group, or the complement that keeps one from being the difference of the shown numbers).
TREE_FLAG = "hidden_from_executives"

Rule = Callable[[pl.DataFrame], pl.DataFrame]


def _small(col: str) -> pl.Expr:
    return (pl.col(col) < MIN_GROUP) & (pl.col(col) > 0)


def _flagged(frame: pl.DataFrame, small: pl.Expr) -> pl.Expr:
    """Small, or marked by the query's look at the whole org tree."""
    return small.fill_null(False) | pl.col(TREE_FLAG).fill_null(True) if TREE_FLAG in frame.columns else small


def _without_flag(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop(TREE_FLAG) if TREE_FLAG in frame.columns else frame


def _suppress_where(frame: pl.DataFrame, small: pl.Expr, columns: list[str]) -> pl.DataFrame:
    cols = [c for c in columns if c in frame.columns]
    hidden = _flagged(frame, small).fill_null(False)
    if "suppressed" in frame.columns:  # an earlier rule of the same query hid the row already
        hidden = hidden | pl.col("suppressed").fill_null(False)
    out = frame.with_columns(hidden.alias("suppressed")).with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in cols]
    )
    return _without_flag(out)


def _complementary(frame: pl.DataFrame, groups: list[str], columns: list[str]) -> pl.DataFrame:
    """Suppress a second cell wherever a row or column of the table has exactly one suppressed cell."""
    rows = frame.with_row_index("_i").to_dicts()
    live = [r for r in rows if (r.get("_size") or 0) > 0]
    changed = True
    while changed:
        changed = False
        for g in groups:
            by: dict = {}
            for r in live:
                by.setdefault(r[g], []).append(r)
            for cells in by.values():
                hidden = [r for r in cells if r["suppressed"]]
                shown = [r for r in cells if not r["suppressed"]]
                if len(hidden) == 1 and shown:
                    smallest = min(shown, key=lambda r: r["_size"])
                    smallest["suppressed"] = True
                    changed = True
    flags = {r["_i"]: r["suppressed"] for r in rows}
    out = frame.with_columns(pl.Series("suppressed", [flags[i] for i in range(frame.height)]))
    return out.with_columns(
        [pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c) for c in columns if c in out.columns]
    )


def hide_small(size: str, columns: list[str]) -> Rule:
    """Null `columns` of every row whose group (`size` people) is small, or that the query marked
    (``TREE_FLAG``); mark it `suppressed`."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        return _suppress_where(frame, _small(size), columns)

    return rule


def hide_small_cells(size: str, groups: list[str], columns: list[str]) -> Rule:
    """hide_small, then complementary suppression along each of `groups` (the table's rows and columns).

    A table the query marked (``TREE_FLAG``) already holds its complements, decided across every view
    of the same cells (a column's total is another unit's number); it is not suppressed again, which
    would hide cells that other views show."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        if TREE_FLAG in frame.columns:
            return hide_small(size, columns)(frame)
        f = frame.with_columns(pl.col(size).alias("_size"))
        f = _suppress_where(f, _small(size), [])
        return _complementary(f, groups, columns).drop("_size")

    return rule


def hide_marked(columns: list[str]) -> Rule:
    """Null `columns` of the rows the query marked (``TREE_FLAG``: its own look at the org tree and
    the sums shown with it); without the mark every row is hidden (the rule fails closed)."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        if TREE_FLAG not in frame.columns:
            frame = frame.with_columns(pl.lit(True).alias(TREE_FLAG))
        return _suppress_where(frame, pl.lit(False), columns)

    return rule


def all_of(*rules: Rule) -> Rule:
    """Each rule in turn: a row any of them hides is hidden."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        for r in rules:
            frame = r(frame)
        return frame

    return rule


def drop_small(size: str, *, drop_columns: tuple[str, ...] = ()) -> Rule:
    """Leave out rows of small groups altogether, and rows the query marked (``TREE_FLAG``); and
    columns that would name a single person's count."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        keep = ~_flagged(frame, _small(size)).fill_null(False) & (pl.col(size) >= MIN_GROUP).fill_null(False)
        return _without_flag(frame.filter(keep)).drop(list(drop_columns))

    return rule


def null_column(column: str, dtype: pl.DataType = pl.Int64) -> Rule:
    """Blank a column that would give away small groups (e.g. an ordering by people short)."""

    def rule(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.lit(None, dtype=dtype).alias(column))

    return rule


# ------------------------------------------------------------------ decisions kept

T = TypeVar("T")


class Decisions:
    """The org tree decisions made on one version of the data, by key (at most `size`, the oldest
    forgotten first). Sessions' threads share it: a decision two of them make at once is made twice,
    with the same result."""

    def __init__(self, size: int = 4096) -> None:
        self.size, self._kept, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            return self._kept.get(key)

    def put(self, key, value) -> None:
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


_DECISIONS: ContextVar[Decisions | None] = ContextVar("tree_decisions", default=None)


@contextmanager
def remembering(decisions: Decisions | None) -> Iterator[None]:
    """Keep the org tree decisions of the queries run inside in `decisions` (None: keep nothing). The
    store must belong to one version of the data (a load changes the sizes)."""
    token = _DECISIONS.set(decisions)
    try:
        yield
    finally:
        _DECISIONS.reset(token)


def decided(key: tuple, decide: Callable[[], T]) -> T:
    """decide(), made once per `key` while remembering (a kept value is never changed by its readers)."""
    kept = _DECISIONS.get()
    if kept is None:
        return decide()
    value = kept.get(key)
    if value is None:
        value = decide()
        kept.put(key, value)
    return value


def decided_by_date(
    key: tuple, dates: Iterable, decide: Callable[[list], pl.DataFrame], column: str = "as_of"
) -> pl.DataFrame:
    """decide(dates) (rows per date in `column`), each date's rows decided once per `key` while
    remembering: only the dates not decided yet are asked for, all in one call."""
    wanted = sorted(set(dates))
    kept = _DECISIONS.get()
    if kept is None:
        return decide(wanted)
    have = {d: kept.get((*key, d)) for d in wanted}
    missing = [d for d, frame in have.items() if frame is None]
    if missing:
        found = decide(missing)
        parts = {p[column][0]: p for p in found.partition_by(column, maintain_order=True)} if found.height else {}
        for d in missing:
            have[d] = parts.get(d, found.clear())
            kept.put((*key, d), have[d])
    return pl.concat([have[d] for d in wanted], how="vertical")


# ------------------------------------------------------------------ the whole org tree

COMPANY = "company"


def org_tree_sizes(con, source: str, keys: list[str], size: str, small: str | None = None, **params) -> pl.DataFrame:
    """`size` (an aggregate over the rows of `source`, SQL with the columns `keys`, team and department)
    for each key and each org unit: the company, each department, each team. `small`, an aggregate
    too, says when the unit's number is a small group's (default: 1 to 4 of `size`)."""
    k = ", ".join(keys)
    lead = f"{k}, " if keys else ""
    flag = f", {small} as small" if small else ""
    return run(
        con,
        f"""
        with src as ({source})
        select {lead}'company' as unit_type, 'company' as unit, {size} as size{flag} from src
        {"group by " + k if keys else ""}
        union all
        select {lead}'department', department, {size}{flag} from src where department is not null group by all
        union all
        select {lead}'team', team, {size}{flag} from src where team is not null group by all
    """,
        **params,
    )


def tree_sizes(rows: pl.DataFrame, keys: list[str], size: str) -> pl.DataFrame:
    """org_tree_sizes's sizes (the sum of `size`) from rows already counted per team and department (`rows`
    holds *keys, team, department and `size`): for each key, the company, each department, each team."""
    total = pl.col(size).sum().alias("size")
    return pl.concat(
        [
            rows.group_by(keys, maintain_order=True).agg(
                pl.lit("company").alias("unit_type"), pl.lit(COMPANY).alias("unit"), total
            ),
            *(
                rows.filter(pl.col(level).is_not_null())
                .group_by(*keys, level, maintain_order=True)
                .agg(total)
                .select(*keys, pl.lit(level).alias("unit_type"), pl.col(level).alias("unit"), "size")
                for level in ("department", "team")
            ),
        ]
    )


def team_departments(con) -> dict[str, str]:
    """Each team's department (the org tree's edges; the teams view)."""
    return decided(
        ("team_departments",),
        lambda: dict(con.execute("select team, department from teams where department is not null").fetchall()),
    )


def org_children(departments: dict[str, str], more_departments=()) -> dict[tuple, list[tuple]]:
    """The org tree as parent -> children: the company's departments, each department's teams."""
    children: dict[tuple, list[tuple]] = {("company", COMPANY): []}
    for dept in sorted({*departments.values(), *more_departments}):
        children[("company", COMPANY)].append(("department", dept))
        children[("department", dept)] = []
    for team, dept in sorted(departments.items()):
        children[("department", dept)].append(("team", team))
    return children


def protect_tree(sizes: pl.DataFrame, keys: list[str], departments: dict[str, str]) -> pl.DataFrame:
    """Which units to hide, per key: the small ones, and the complements that keep each of them
    from being a parent minus its shown children (the module's docstring says how).

    `sizes` holds *keys, unit_type, unit, size (and optionally small), as org_tree_sizes returns;
    `departments` each team's department. Units with no row have size 0. Returns *keys, unit_type,
    unit and TREE_FLAG for every unit of the tree and every key."""
    more = sizes.filter(pl.col("unit_type") == "department")["unit"].unique().to_list()
    children = org_children(departments, more)
    nodes = list(children) + [t for d in children[("company", COMPANY)] for t in children[d]]
    equations = list(children.items())
    # the sizes as (size, small) per key and node: one dict per key, built from the key's columns
    size = pl.col("size").cast(pl.Float64).fill_null(0.0)
    small = (
        pl.col("small").fill_null(False).cast(pl.Boolean)
        if "small" in sizes.columns
        else (size > 0) & (size < MIN_GROUP)
    )
    cells_of = sizes.select(*keys, "unit_type", "unit", size.alias("size"), small.alias("small"))
    parts = cells_of.partition_by(keys, as_dict=True, maintain_order=True) if keys else {(): cells_of}
    by_key: dict[tuple, dict[tuple, tuple]] = {
        key: dict(
            zip(
                zip(part["unit_type"].to_list(), part["unit"].to_list(), strict=True),
                zip(part["size"].to_list(), part["small"].to_list(), strict=True),
                strict=True,
            )
        )
        for key, part in parts.items()
        if part.height
    }
    hidden = [(*key, *n) for key, cells in by_key.items() for n in protect(cells, equations)]
    # every node of the tree for every key (in the order of the keys, then of the nodes), flagged where hidden
    schema = {**{k: sizes.schema[k] for k in keys}, "unit_type": pl.Utf8, "unit": pl.Utf8}
    tree = pl.DataFrame(nodes, schema=["unit_type", "unit"], orient="row")
    grid = (
        pl.DataFrame(list(by_key), schema={k: schema[k] for k in keys}, orient="row").join(tree, how="cross")
        if keys
        else tree
    )
    if not by_key:
        grid = grid.clear()
    marked = pl.DataFrame(hidden, schema=schema, orient="row").with_columns(pl.lit(True).alias(TREE_FLAG))
    return grid.join(
        marked, on=[*keys, "unit_type", "unit"], how="left", maintain_order="left", nulls_equal=True
    ).with_columns(pl.col(TREE_FLAG).fill_null(False))


def protect(cells: dict, equations: list[tuple]) -> set:
    """The cells to hide so that no sum shown gives a hidden cell back by subtraction.

    `cells`: cell -> (size, small); a cell with no entry has size 0 and is not small.
    `equations`: (total, [parts]) with total = the sum of the parts (a parent and its children).
    Small cells are hidden; then, until nothing changes, for every equation: a shown total with
    exactly one hidden part hides its smallest shown part as well (the total itself when there is
    none), and a hidden total with no hidden part hides its smallest part (else it would be the sum
    of the parts). The smallest non-empty cell is chosen first, so the fewest people are hidden."""

    def size(c):
        return cells.get(c, (0.0, False))[0]

    def order(c):
        return (size(c) == 0, size(c), str(c))

    hidden = {c for c, (_, small) in cells.items() if small}
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            if hidden.isdisjoint(parts):  # no hidden part (most equations): only a hidden total acts
                if total in hidden and parts:
                    hidden.add(min(parts, key=order))
                    changed = True
            elif total not in hidden:
                hid = [p for p in parts if p in hidden]
                if len(hid) == 1:
                    shown = [p for p in parts if p not in hidden]
                    hidden.add(min(shown, key=order) if shown else total)
                    changed = True
    return hidden


def unit_node(flags: pl.DataFrame, unit: str | None) -> tuple[str, str]:
    """The org tree's node of an Org unit filter's value (a department's name before a team's)."""
    if unit is None or unit == COMPANY:
        return ("company", COMPANY)
    types = set(flags.filter(pl.col("unit") == unit)["unit_type"].to_list())
    return ("department", unit) if "department" in types or not types else ("team", unit)


def mark_unit(frame: pl.DataFrame, flags: pl.DataFrame, keys: list[str], unit: str | None) -> pl.DataFrame:
    """Add TREE_FLAG to a result that describes one unit (the Org unit filter's): its rows, per key."""
    unit_type, name = unit_node(flags, unit)
    mine = flags.filter((pl.col("unit_type") == unit_type) & (pl.col("unit") == name)).select(*keys, TREE_FLAG)
    if not keys:
        hidden = bool(mine[TREE_FLAG][0]) if mine.height else False
        return frame.with_columns(pl.lit(hidden).alias(TREE_FLAG))
    return frame.join(mine, on=keys, how="left", maintain_order="left").with_columns(pl.col(TREE_FLAG).fill_null(False))
