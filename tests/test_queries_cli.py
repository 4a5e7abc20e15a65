"""``python -m etl export`` and ``python -m queries run`` on DuckDB (no Java needed): the export holds
every table whole, and the command line prints each page query's rows as the viewer may see them."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

import queries
import warehouse
from etl import export
from etl.__main__ import main as etl_main
from queries import engine, runner
from queries.__main__ import main as queries_main

from .test_spark_parity import differences


def _run(capsys, *argv) -> tuple[int, dict | None, str]:
    code = queries_main(["run", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if code == 0 else None, err


def test_export_writes_every_table_and_records_by_month(tiny_db, tmp_path, capsys):
    target = tmp_path / "parquet"
    assert etl_main(["--db", str(tiny_db), "export", "--to", str(target)]) == 0
    assert "Exported" in capsys.readouterr().out
    manifest = json.loads((target / "export.json").read_text())
    con = warehouse.connect(tiny_db, read_only=True)
    try:
        assert (
            set(manifest["tables"]) == set(export.base_tables(con)) >= {"employees", "evidence", "completion_records"}
        )
        for table, n in manifest["tables"].items():
            assert duckdb.sql(f"select count(*) from read_parquet('{target / table}/**/*.parquet')").fetchall() == [
                (n,)
            ]
        months = sorted(p.name for p in (target / "completion_records").iterdir())
        expected = con.sql(
            "select distinct 'month=' || coalesce(strftime(completed_at, '%Y-%m'), 'none') from completion_records"
        ).fetchall()
        assert months == sorted(m for (m,) in expected) and len(months) > 1
    finally:
        con.close()
    assert engine.PARTITIONS == {export.PARTITIONED: export.PARTITION_COLUMN}


def test_every_page_query_reads_the_same_from_the_export_as_from_the_file(tiny_db, tmp_path, capsys):
    assert etl_main(["--db", str(tiny_db), "export", "--to", str(tmp_path / "pq")]) == 0
    capsys.readouterr()
    code, from_file, _ = _run(capsys, "--db", str(tiny_db), "--as-of", "2025-06-30", "--all", "--json")
    assert code == 0 and from_file["engine"].startswith("duckdb ")
    code, from_export, _ = _run(capsys, "--parquet", str(tmp_path / "pq"), "--as-of", "2025-06-30", "--all", "--json")
    assert code == 0
    assert set(from_file["results"]) == {n for n, q in queries.REGISTRY.items() if q.allows("ld")}
    assert differences(from_file["results"], from_export["results"]) == {}
    assert from_file["results"]["meta"][0]["employees"] == 5


def test_run_applies_the_viewers_privacy(tiny_db, tmp_path, monkeypatch, capsys):
    access = tmp_path / "access.toml"
    access.write_text('executives = ["eve@tiny.test"]\n', encoding="utf-8")
    monkeypatch.setenv("UPSKILL_ACCESS", str(access))
    code, lead, _ = _run(
        capsys, "--db", str(tiny_db), "--as", "Bob.Baker@tiny.test", "--as-of", "2025-06-30", "--all", "--json"
    )
    assert code == 0
    assert {r["employee_id"] for r in lead["results"]["requirement_people"]} <= {"E2", "E4"}
    assert "budgets" not in lead["results"]  # money is not a lead's
    code, executive, _ = _run(
        capsys, "--db", str(tiny_db), "--as", "eve@tiny.test", "--as-of", "2025-06-30", "--all", "--json"
    )
    assert code == 0
    assert "requirement_people" not in executive["results"]  # no names for executives
    assert all(r["suppressed"] for r in executive["results"]["readiness_by_unit"])  # 5 people: every unit is small


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["--db", "nowhere.duckdb", "--all", "--json"], 1, "There is no warehouse at nowhere.duckdb."),
        (["--db", "{db}", "nope", "--json"], 2, "No page query is called nope"),
        (["--db", "{db}", "--all", "--json", "--as", "dan@tiny.test"], 1, "dan@tiny.test has no access"),
        (["--db", "{db}", "budgets", "--json", "--as", "bob.baker@tiny.test"], 1, "Budgets and spend are for"),
        (["--db", "{db}", "--all"], 2, "Only --json output"),
        (["--parquet", "{db}", "--all", "--json"], 1, "There is no export at"),
    ],
)
def test_run_says_what_is_wrong_in_one_sentence(tiny_db, capsys, argv, code, said):
    got, _, err = _run(capsys, *[a.format(db=tiny_db) for a in argv])
    assert got == code and said in err
    assert "Traceback" not in err and str(Path(tiny_db).parent) not in err and err.count("\n") == 1


def test_values_become_plain_json():
    import datetime as dt
    from decimal import Decimal

    assert runner.plain(
        {"d": dt.date(2025, 1, 2), "x": Decimal("1.50"), "n": float("nan"), "l": [dt.date(2025, 1, 3)]}
    ) == {
        "d": "2025-01-02",
        "x": 1.5,
        "n": None,
        "l": ["2025-01-03"],
    }


def test_parameters_are_bound_as_literals_in_the_tree():
    import datetime as dt

    sql = engine.to_spark(
        "select * from employees where team = $team and hire_date <= $as_of and employee_id in (select unnest($ids))",
        {"team": "O'Brien's; drop table employees", "as_of": dt.date(2025, 6, 30), "ids": ["E1", "E2"]},
    )
    assert "'O\\'Brien\\'s; drop table employees'" in sql or "'O''Brien''s; drop table employees'" in sql
    assert "CAST('2025-06-30' AS DATE)" in sql and "ARRAY('E1', 'E2')" in sql and "$" not in sql
    with pytest.raises(engine.EngineError, match=r"needs a value for \$team"):
        engine.to_spark("select * from employees where team = $team", {})


def test_a_materialized_hint_is_left_out_of_the_spark_statement():
    # DuckDB's "as materialized" says how to run a CTE, not which rows it gives; Spark cannot parse it
    sql = engine.to_spark("with s as materialized (select employee_id from employees) select count(*) from s")
    assert "MATERIALIZED" not in sql.upper() and sql.startswith("WITH s AS (SELECT employee_id FROM employees)")
