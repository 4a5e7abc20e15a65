"""Spark gives the same rows as DuckDB for every page query, from the same SQL.

The demo company and the tiny organisation are loaded into DuckDB, exported as Parquet
(``python -m etl export``) and every page query is run on both engines as the command line
runs them (``queries.runner``, what ``python -m queries run --all --json`` prints): rows
compared in any order, numbers to 1e-9 relative. Spark runs in local mode, one session for
the module. Without Java or pyspark this fails: CI must not pass by leaving Spark out.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from datetime import date

import pytest

import warehouse
from etl import export
from etl.load import load_paths
from queries import engine, runner
from queries.__main__ import main as queries_main

from .conftest import TINY, TINY_RECORDS
from .test_app import metric, no_errors
from .test_models import SAMPLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.fail("Java is missing: the Spark parity tests need a Java 17 runtime (make test installs one).")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("pyspark is missing: pip install -r requirements-scale.txt (make test does).")
    started = time.perf_counter()
    yield
    engine.stop_spark()
    print(f"\nSpark parity module: {time.perf_counter() - started:.0f} s")


def _warehouse(folder, paths):
    db = folder / "warehouse.duckdb"
    con = warehouse.connect(db)
    load_paths(con, paths)
    con.close()
    con = warehouse.connect(db, read_only=True)
    export.export(con, folder / "parquet")
    return con


def _number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _same(a, b) -> bool:
    if _number(a) and _number(b):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _order(row: dict) -> str:
    """A key that sorts equal rows of either engine alike (numbers compared as rounded floats)."""
    return json.dumps([(k, round(float(v), 6) if _number(v) else v) for k, v in sorted(row.items())], default=str)


def differences(duck: dict[str, list[dict]], spark: dict[str, list[dict]]) -> dict[str, str]:
    """Per query, how Spark's rows differ from DuckDB's (none: the same rows in some order)."""
    out = {}
    for name in sorted(set(duck) | set(spark)):
        a, b = sorted(duck.get(name, []), key=_order), sorted(spark.get(name, []), key=_order)
        if name not in duck or name not in spark:
            out[name] = "run on one engine only"
        elif len(a) != len(b):
            out[name] = f"{len(a)} rows on DuckDB, {len(b)} on Spark"
        else:
            for x, y in zip(a, b, strict=True):
                if x.keys() != y.keys() or not all(_same(x[k], y[k]) for k in x):
                    out[name] = f"DuckDB {x} / Spark {y}"
                    break
    return out


def _parity(folder, paths, viewers) -> None:
    con = _warehouse(folder, paths)
    try:
        spark_con = engine.spark_connection(engine.Tables(parquet=str(folder / "parquet")))
        total, diffs = 0, {}
        for email in viewers:
            viewer = runner.viewer_for(con, email)
            as_of = runner.default_as_of(con)
            # the same arguments on both engines (the defaults are page queries, compared here too)
            defaults = runner.page_defaults(con, viewer, as_of)
            duck = {k: runner.rows(v) for k, v in runner.run_all(con, None, viewer, as_of, defaults).items()}
            spark = {k: runner.rows(v) for k, v in runner.run_all(spark_con, None, viewer, as_of, defaults).items()}
            assert any(duck.values()), "the queries returned no rows at all: nothing was compared"
            total += len(duck)
            diffs.update({f"{email or 'L&D'}: {k}": v for k, v in differences(duck, spark).items()})
        print(f"\n{total - len(diffs)}/{total} page queries equal on Spark and DuckDB")
        assert diffs == {}
    finally:
        con.close()


def test_every_page_query_gives_the_same_rows_on_spark_for_the_demo_company(spark, tmp_path):
    _parity(tmp_path, [SAMPLE], [None])


def test_every_page_query_gives_the_same_rows_on_spark_for_the_tiny_organisation(spark, tmp_path, monkeypatch):
    """As L&D, as a team lead (Bob leads Dan) and as an executive (small groups hidden)."""
    access = tmp_path / "access.toml"
    access.write_text('executives = ["eve@tiny.test"]\n', encoding="utf-8")
    monkeypatch.setenv("UPSKILL_ACCESS", str(access))
    _parity(tmp_path, [TINY, TINY_RECORDS], [None, "bob.baker@tiny.test", "eve@tiny.test"])


def test_the_comparison_sees_a_difference():
    rows = [{"team": "Data", "share": 0.5, "as_of": "2025-06-30"}]
    assert differences({"q": rows}, {"q": rows}) == {}
    assert differences({"q": rows}, {"q": [{**rows[0], "share": 0.5 + 1e-6}]})
    assert differences({"q": rows}, {"q": rows + rows})
    assert differences({"q": rows}, {"q": [{"team": "Data", "share": 0.5}]})
    assert differences({"q": [{"n": 3}]}, {"q": [{"n": 3.0}]}) == {}


def test_the_dashboard_runs_on_spark(spark, app, tiny_db, tmp_path, monkeypatch):
    """UPSKILL_ENGINE=spark: the Overview shows the numbers it shows on DuckDB (tests/test_app.py)."""
    con = warehouse.connect(tiny_db, read_only=True)
    export.export(con, tmp_path / "parquet")
    con.close()
    monkeypatch.setenv("UPSKILL_ENGINE", "spark")
    monkeypatch.setenv("UPSKILL_PARQUET", str(tmp_path / "parquet"))
    at = app(as_of="2025-06-30")
    no_errors(at)
    assert metric(at, "Readiness") == "50.0%"
    assert metric(at, "Goals on course") == "1 of 2"
    assert metric(at, "Spend vs budget") == "4%"


def test_the_tables_can_come_from_a_catalog(spark, tiny_db, tmp_path):
    """UPSKILL_SPARK_TABLES: tables with the warehouse's columns in a catalog namespace (here Spark's own
    catalog holding Parquet tables; a lakehouse's Iceberg or Delta tables are read the same way)."""
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        export.export(con, tmp_path / "parquet")
        session = engine.spark_connection(engine.Tables(parquet=str(tmp_path / "parquet"))).spark
        session.sql("create namespace if not exists spark_catalog.lakehouse")
        for name in export.base_tables(con):
            session.sql(f"drop table if exists spark_catalog.lakehouse.{name}")
            location = (tmp_path / "lake" / name).as_uri()
            session.sql(
                f"create table spark_catalog.lakehouse.{name} using parquet location '{location}' as select * from {name}"
            )
        lake = engine.spark_connection(engine.Tables(namespace="spark_catalog.lakehouse"))
        names = ["meta", "coverage_matrix", "goal_status", "budgets", "learning_history"]
        viewer, as_of = runner.Viewer(), date(2025, 6, 30)
        defaults = runner.page_defaults(con, viewer, as_of)
        duck = {k: runner.rows(v) for k, v in runner.run_all(con, names, viewer, as_of, defaults).items()}
        spark = {k: runner.rows(v) for k, v in runner.run_all(lake, names, viewer, as_of, defaults).items()}
        assert duck["meta"][0]["records"] > 0 and differences(duck, spark) == {}
    finally:
        con.close()


def test_the_command_line_runs_the_queries_on_spark(spark, tiny_db, capsys):
    """python -m queries run --engine spark, from a warehouse file (exported on the way)."""
    argv = ["run", "--engine", "spark", "--db", str(tiny_db), "--as-of", "2025-06-30", "meta", "org_units", "--json"]
    code = queries_main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["engine"].startswith("spark 4.")
    assert doc["results"]["meta"][0]["employees"] == 5
    assert {r["team"] for r in doc["results"]["org_units"]} == {"Platform", "Insights"}
    assert "Traceback" not in err
