"""Page queries without the warehouse's macros: each macro call expanded inline.

The metrics are written once, as DuckDB macros in ``sql/models``. Another engine (Spark,
for a company that outgrows one machine) has no such macros, so the same SQL must reach
it with every call replaced by the macro's body:

- a table macro call in a FROM clause (``skill_coverage($as_of, root := $root)``) becomes
  a subquery of its body, under the call's alias;
- a scalar macro call (``coverage_share(a, b)``) becomes its body in parentheses;
- arguments are bound as DuckDB binds them: positional, then named (``name := value``),
  then the macro's defaults; an unqualified column of the body named like a parameter
  is that parameter (the columns a ``* exclude (...)`` names are not);
- nested macro calls are expanded the same way, inside out;
- each expansion's CTEs are renamed (``people`` → ``people__3``) so that two inlined
  bodies never share a CTE name.

``expand(sql)`` returns the expanded statement (a sqlglot tree, DuckDB dialect), which
DuckDB itself runs to the same rows: tests/test_portable.py checks that for every page
query. Views (``completions``, ``spend_reporting``, …) are left as they are: they are
plain SQL any engine can define.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlglot
from sqlglot import exp

import warehouse

_MACRO = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(", re.I)
_DIALECT = "duckdb"


@dataclass(frozen=True)
class Macro:
    """One ``create macro``: its parameters (in order), their defaults, its body's SQL."""

    name: str
    params: tuple[str, ...]
    defaults: dict[str, str]
    body: str
    table: bool


def _split_top(text: str, sep: str = ",") -> list[str]:
    """`text` cut at `sep` where no bracket is open and no string is being read."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _without_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def parse_macros(text: str) -> list[Macro]:
    """The macros a models file creates (sqlglot cannot parse ``create macro`` with defaults: only the
    parameter list is read here, and the body is parsed as an ordinary query)."""
    out = []
    for statement in _split_top(_without_comments(text), ";"):
        m = _MACRO.match(statement)
        if not m:
            continue
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(statement[i], 0)
            i += 1
        params, defaults = [], {}
        for p in _split_top(statement[m.end() : i - 1]):
            name, _, default = p.partition(":=")
            params.append(name.strip())
            if default:
                defaults[name.strip()] = default.strip()
        rest = statement[i:].strip()
        rest = re.sub(r"^as\s+", "", rest, flags=re.I)
        table = bool(re.match(r"table\s", rest, re.I))
        body = re.sub(r"^table\s+", "", rest, flags=re.I)
        out.append(Macro(m.group(1).lower(), tuple(params), defaults, body, table))
    return out


def model_files(models_dir: Path | None = None) -> list[Path]:
    """The models' files in the order they are applied (by number prefix, across the folders)."""
    return sorted((models_dir or warehouse.SQL_DIR / "models").rglob("*.sql"), key=lambda p: p.name)


def parse_views(text: str) -> list[tuple[str, str]]:
    """The views a models file creates, as (name, the SQL of its query)."""
    out = []
    for statement in _split_top(_without_comments(text), ";"):
        view = re.match(r"create\s+or\s+replace\s+view\s+(\w+)\s+as\s+", statement, re.I)
        if view:
            out.append((view.group(1).lower(), statement[view.end() :]))
    return out


@cache
def macros(models_dir: Path | None = None) -> dict[str, Macro]:
    """Every macro of the warehouse's models, by name."""
    found: dict[str, Macro] = {}
    for path in model_files(models_dir):
        for macro in parse_macros(path.read_text(encoding="utf-8")):
            found[macro.name] = macro
    return found


class Expander:
    """Expands the macro calls of one statement (a counter names each expansion's CTEs apart)."""

    def __init__(self, known: dict[str, Macro] | None = None) -> None:
        self.known = known if known is not None else macros()
        self.counter = itertools.count(1)

    def bind(self, macro: Macro, args: list[exp.Expression]) -> dict[str, exp.Expression]:
        positional = [a for a in args if not isinstance(a, exp.PropertyEQ)]
        named = {a.this.name.lower(): a.expression for a in args if isinstance(a, exp.PropertyEQ)}
        if len(positional) > len(macro.params):
            raise ValueError(f"{macro.name} takes {len(macro.params)} arguments, not {len(positional)}.")
        binding = dict(zip(macro.params, positional, strict=False))
        for name in macro.params[len(positional) :]:
            if name in named:
                binding[name] = named.pop(name)
            elif name in macro.defaults:
                binding[name] = sqlglot.parse_one(macro.defaults[name], read=_DIALECT)
            else:
                raise ValueError(f"{macro.name} needs its argument '{name}'.")
        if named:
            raise ValueError(f"{macro.name} has no parameter called {', '.join(sorted(named))}.")
        return binding

    def body(self, macro: Macro, args: list[exp.Expression]) -> exp.Expression:
        """The macro's body with its arguments bound, its own calls expanded and its CTEs renamed."""
        binding = self.bind(macro, [self.expand(a) for a in args])
        tree = sqlglot.parse_one(macro.body, read=_DIALECT)

        def substitute(node: exp.Expression) -> exp.Expression:
            if (
                isinstance(node, exp.Column)
                and not node.table
                and node.name.lower() in binding
                and not isinstance(node.parent, exp.Star)
            ):
                return exp.Paren(this=binding[node.name.lower()].copy())
            return node

        tree = self.expand(tree.transform(substitute))
        if macro.table:
            self.rename_ctes(tree)
        return tree

    def rename_ctes(self, tree: exp.Expression) -> None:
        n = next(self.counter)
        with_ = tree.args.get("with_") or tree.args.get("with")
        if not with_:
            return
        names = {cte.alias_or_name.lower(): f"{cte.alias_or_name}__{n}" for cte in with_.expressions}
        for cte in with_.expressions:
            alias = cte.args["alias"]
            alias.set("this", exp.to_identifier(names[cte.alias_or_name.lower()]))
        for table in tree.find_all(exp.Table):
            if not table.db and isinstance(table.this, exp.Identifier) and table.name.lower() in names:
                alias = table.alias
                table.set("this", exp.to_identifier(names[table.name.lower()]))
                if not alias:  # columns qualified by the CTE's own name still find it
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name.rsplit("__", 1)[0])))

    def expand(self, tree: exp.Expression) -> exp.Expression:
        def call(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
                macro = self.known.get(node.this.name.lower())
                if macro is not None and macro.table:
                    alias = node.alias or macro.name
                    body = self.body(macro, list(node.this.expressions))
                    return exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(alias)))
            if isinstance(node, exp.Anonymous) and not isinstance(node.parent, exp.Table):
                macro = self.known.get(node.name.lower())
                if macro is not None and not macro.table:
                    return exp.Paren(this=self.body(macro, list(node.expressions)))
            return node

        return tree.transform(call)


def expand(sql: str) -> exp.Expression:
    """The statement with every macro call expanded (DuckDB dialect)."""
    return Expander().expand(sqlglot.parse_one(sql, read=_DIALECT))


def expanded_sql(sql: str) -> str:
    """`expand` as DuckDB SQL text (parameters such as ``$as_of`` kept as they are)."""
    return expand(sql).sql(dialect=_DIALECT)


#: Columns and casts the models use for days: a subtraction of two of them is a date minus a date.
_DATE_NAME = re.compile(r"(^|_)(date|day|as_of|deadline|valid_from|valid_until|month)$")


def _date_like(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren):
        return _date_like(node.this)
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DataType.Type.DATE)
    return isinstance(node, exp.Column) and bool(_DATE_NAME.search(node.name.lower()))


def non_portable(sql: str) -> list[str]:
    """What in this DuckDB SQL another engine reads differently or not at all (empty: none found).

    The constructs found by running the models on Spark: each has a portable form that
    reads as clearly (docs/scale-out.md).
    """
    found = []
    if re.search(r"\blen\s*\(", _without_comments(sql), re.I):  # parsed as length(): read the text
        found.append("len(): Spark reads it as a string's length; write array_length")
    for node in sqlglot.parse_one(sql, read=_DIALECT).walk():
        if isinstance(node, exp.Anonymous) and node.name.lower() in {"to_months", "to_days", "to_years"}:
            found.append(f"{node.name.lower()}(): write interval 1 month * n")
        elif isinstance(node, exp.Mode):
            found.append("mode(): ties are broken differently; rank with row_number() and an explicit order")
        elif isinstance(node, exp.Join) and "ASOF" in f"{node.args.get('kind')}{node.args.get('method')}".upper():
            found.append("asof join: write a range join on lead(...)")
        elif isinstance(node, exp.Explode) and not isinstance(node.parent, exp.Alias | exp.Select | exp.From):
            found.append(f"{node.sql(_DIALECT)} inside an expression: unnest in a subquery, cast outside it")
        elif isinstance(node, exp.Literal) and node.is_number and "." in node.this and "e" not in node.this.lower():
            found.append(f"{node.this}: a DECIMAL on Spark; write a double ({node.this}e0)")
        elif isinstance(node, exp.Sub) and _date_like(node.this) and _date_like(node.expression):
            found.append(
                f"{node.sql(_DIALECT)}: a date minus a date is an interval on Spark; write date_diff('day', …)"
            )
        elif isinstance(node, exp.With) and node.args.get("recursive"):
            for union in node.find_all(exp.Union):
                if union.args.get("distinct"):
                    found.append("union in a recursive CTE: Spark takes only union all")
    return found


def model_statements(models_dir: Path | None = None) -> list[tuple[str, str]]:
    """Every view's query and macro's body in the models, as (file name, SQL)."""
    out = []
    for path in model_files(models_dir):
        text = path.read_text(encoding="utf-8")
        out += [(path.name, m.body) for m in parse_macros(text)] + [(path.name, sql) for _, sql in parse_views(text)]
    return out
