"""The page queries with every macro expanded inline (queries.portable) give DuckDB the same rows
as the macros themselves: the expanded SQL is what another engine would run."""

from __future__ import annotations

import inspect
from datetime import date

import polars as pl
import pytest
import sqlglot

import queries
import warehouse
from etl.load import load_paths
from queries import _sql, portable

from .conftest import TINY, TINY_RECORDS

#: Arguments for the tiny organisation, by parameter name.
ARGUMENTS = {
    "as_of": date(2025, 6, 30),
    "goal_id": "G1",
    "employee_id": "E2",
    "skill": "Cloud",
    "email": "alice@tiny.test",
    "level": 3,
    "today": date(2025, 7, 31),
}
SKIPPED = {"plan_people"}  # returns a plan (the planner's own SQL), not a frame of one query


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("portable") / "tiny.duckdb"
    con = warehouse.connect(path)
    load_paths(con, [TINY, TINY_RECORDS])
    con.close()
    con = warehouse.connect(path, read_only=True)
    yield con
    con.close()


def call(name: str, con, **extra):
    q = queries.REGISTRY[name]
    kwargs = {}
    for p in inspect.signature(q.function).parameters.values():
        if p.name == "con":
            continue
        if p.name in extra:
            kwargs[p.name] = extra[p.name]
        elif p.name in ARGUMENTS:
            kwargs[p.name] = ARGUMENTS[p.name]
        elif p.default is inspect.Parameter.empty:
            raise AssertionError(f"give tests/test_portable.py an argument for {name}({p.name})")
    return q.function(con, **kwargs)


def expanded(name: str, con, **extra) -> pl.DataFrame:
    """The query run with its SQL expanded; every statement it sent must hold no macro call any more."""
    sent = []

    def rewrite(sql: str) -> str:
        out = portable.expanded_sql(sql)
        sent.append(out)
        return out

    token = _sql.REWRITE.set(rewrite)
    try:
        frame = call(name, con, **extra)
    finally:
        _sql.REWRITE.reset(token)
    for sql in sent:
        calls = {f.name.lower() for f in sqlglot.parse_one(sql, read="duckdb").find_all(sqlglot.exp.Anonymous)}
        assert calls & set(portable.macros()) == set(), (name, calls & set(portable.macros()))
        # and Spark SQL can be written from it with nothing approximated (sqlglot raises where it would be)
        sqlglot.parse_one(sql, read="duckdb").sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    return frame


@pytest.mark.parametrize("name", sorted(set(queries.REGISTRY) - SKIPPED))
@pytest.mark.parametrize("scope", [{}, {"root": "E2"}, {"unit": "Platform"}])
def test_every_page_query_gives_the_same_rows_with_its_macros_expanded(tiny, name, scope):
    params = inspect.signature(queries.REGISTRY[name].function).parameters
    scope = {k: v for k, v in scope.items() if k in params}
    plain = call(name, tiny, **scope)
    portable_rows = expanded(name, tiny, **scope)
    assert portable_rows.columns == plain.columns
    assert portable_rows.sort(pl.all(), nulls_last=True).equals(plain.sort(pl.all(), nulls_last=True)), name


def test_expansion_binds_positional_named_and_default_arguments():
    sql = portable.expanded_sql("select * from expiring_credentials(DATE '2025-01-01', org_unit := 'Data')")
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert "expiring_credentials" not in {t.name for t in tree.find_all(sqlglot.exp.Anonymous)}
    assert "90" in sql  # days := 90, the default
    assert "'Data'" in sql and "$" not in sql
    with pytest.raises(ValueError, match="has no parameter called nope"):
        portable.expanded_sql("select * from active_employees(DATE '2025-01-01', nope := 1)")


def test_each_expansion_names_its_ctes_apart():
    sql = portable.expanded_sql(
        "select * from skill_coverage(DATE '2025-01-01') as a, skill_coverage(DATE '2025-02-01') as b"
    )
    tree = sqlglot.parse_one(sql, read="duckdb")
    names = [cte.alias_or_name for cte in tree.find_all(sqlglot.exp.CTE)]
    assert len(names) == len(set(names)) > 10


def test_every_macro_of_the_models_is_read():
    found = portable.macros()
    assert {"skill_coverage", "goal_readiness", "fx_rate", "coverage_share", "goal_population_on"} <= set(found)
    assert found["expiring_credentials"].params == ("as_of", "days", "root", "org_unit")
    assert found["expiring_credentials"].defaults == {"days": "90", "root": "null", "org_unit": "null"}
    assert found["coverage_share"].table is False and found["skill_coverage"].table is True


@pytest.mark.parametrize(("name", "sql"), portable.model_statements(), ids=lambda v: v if v.endswith(".sql") else "")
def test_models_hold_nothing_spark_reads_differently(name, sql):
    assert portable.non_portable(sql) == [], name


@pytest.mark.parametrize(
    "sql",
    [
        "select cast(o.completed_at as date) + to_months(c.validity_months) from o, c",
        "select team, mode(department) from employees group by team",
        "select len(roles) from goals",
        "select * from a asof join b on a.month >= b.month",
        "select distinct cast(unnest(dates) as date) as as_of",
        "select arrivals / 180.0 from t",
        "select g.deadline - cast(as_of as date) from goals as g",
        "with recursive t (e) as (select 1 union select e + 1 from t where e < 3) select * from t",
    ],
)
def test_the_portability_lint_finds_each_construct(sql):
    assert len(portable.non_portable(sql)) == 1, portable.non_portable(sql)


def test_the_portable_forms_pass_the_lint():
    sql = """
        with recursive t (e) as (select 1 union all select e + 1 from t where e < 3)
        select cast(d as date) + interval 1 month * n, array_length(roles), arrivals / 180e0,
               date_diff('day', cast(as_of as date), g.deadline), g.deadline - 90
        from (select unnest(dates) as d) as listed, goals as g, t
    """
    assert portable.non_portable(sql) == []
