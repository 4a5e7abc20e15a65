"""Every model does what sql/models/models.toml says of it: grain, keys, not-null columns,
accepted values and ranges, on the tiny fixtures and on the demo company (dbt's habit)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

import warehouse
from etl.load import load_paths

from .conftest import TINY, TINY_RECORDS

MODELS_DIR = warehouse.SQL_DIR / "models"
MODELS = tomllib.loads((MODELS_DIR / "models.toml").read_text(encoding="utf-8"))
SAMPLE = warehouse.SAMPLE_DIR


def first(con, sql: str, params=None):
    """The first value of a query's result (DuckDB 2.0 relations keep no result: fetch it all)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def relation(name: str, spec: dict) -> str:
    return f"({spec['call']})" if "call" in spec else name


def failures(con, name: str, spec: dict) -> list[str]:
    """What the model's declaration says that its rows contradict (empty: all holds)."""
    rel = relation(name, spec)
    out = []
    columns = [r[0] for r in con.sql(f"describe select * from {rel}").fetchall()]
    declared = (
        set(spec.get("key", []))
        | set(spec.get("not_null", []))
        | set(spec.get("accepted", {}))
        | set(spec.get("ranges", {}))
    )
    out += [f"{name} has no column {c}" for c in sorted(declared - set(columns))]
    if out:
        return out
    total = first(con, f"select count(*) from {rel}")
    if "rows" in spec and total != spec["rows"]:
        out.append(f"{name} has {total} rows, not {spec['rows']}")
    if key := spec.get("key"):
        cols = ", ".join(key)
        dupes = first(con, f"select count(*) from (select {cols} from {rel} group by all having count(*) > 1)")
        if dupes:
            out.append(f"{name}: {dupes} values of ({cols}) appear more than once")
    for col in [*spec.get("key", []), *spec.get("not_null", [])]:
        nulls = first(con, f"select count(*) from {rel} where {col} is null")
        if nulls:
            out.append(f"{name}.{col} is null in {nulls} rows")
    for col, values in spec.get("accepted", {}).items():
        found = {r[0] for r in con.sql(f"select distinct {col} from {rel} where {col} is not null").fetchall()}
        if found - set(values):
            out.append(f"{name}.{col} has values outside {values}: {sorted(found - set(values))}")
    for col, (low, high) in spec.get("ranges", {}).items():
        outside = first(con, f"select count(*) from {rel} where {col} < ? or {col} > ?", [low, high])
        if outside:
            out.append(f"{name}.{col} is outside [{low}, {high}] in {outside} rows")
    return out


def check_all(con, as_of: date) -> list[str]:
    con.execute("set variable as_of = ?", [as_of])
    out = []
    for name, spec in MODELS.items():
        call = {**spec, "call": spec["call"].replace("$as_of", "getvariable('as_of')")} if "call" in spec else spec
        out += failures(con, name, call)
    return out


def test_every_model_file_is_declared_and_every_declaration_names_a_file():
    files = {str(p.relative_to(MODELS_DIR)) for p in MODELS_DIR.rglob("*.sql")}
    named = {spec["file"] for spec in MODELS.values()}
    # Files of helpers only (macros used inside other models) need no declaration of their own.
    helpers = {"core/025_reporting_tree.sql", "core/040_evidence_source.sql"}
    assert named - files == set()
    assert files - named - helpers == set()
    assert all(spec.get("grain") for spec in MODELS.values())


def test_the_declarations_can_fail(tiny):
    """A declaration the data contradicts is reported: the check is not vacuous."""
    tiny.execute("set variable as_of = DATE '2025-06-30'")
    wrong = {"key": ["role"]}  # several people share a role
    found = failures(tiny, "requirement_status", {"call": "requirement_status(getvariable('as_of'))", **wrong})
    assert any("appear more than once" in f for f in found)
    found = failures(tiny, "completions", {"accepted": {"status": ["completed"]}})
    assert any("values outside" in f for f in found)
    found = failures(tiny, "skill_level_spans", {"ranges": {"level": [3, 5]}})
    assert any("outside [3, 5]" in f for f in found)
    assert failures(tiny, "teams", {"not_null": ["no_such_column"]}) == ["teams has no column no_such_column"]


def test_models_hold_on_the_tiny_fixtures(tiny):
    for as_of in (date(2025, 1, 1), date(2025, 6, 30)):
        assert check_all(tiny, as_of) == []


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    if not (SAMPLE / "company" / "roster.csv").exists():
        pytest.fail("sample_data/ is missing: it is committed; regenerate it with python -m sample.generator")
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = warehouse.connect(path)
    load_paths(con, [SAMPLE])
    con.close()
    return path


@pytest.mark.slow
def test_models_hold_on_the_demo_company(sample_db):
    con = warehouse.connect(sample_db, read_only=True)
    try:
        latest = first(con, "select cast(max(completed_at) as date) from completions")
        assert check_all(con, latest) == []
        assert check_all(con, date(latest.year - 1, 6, 30)) == []
    finally:
        con.close()


def test_tiny_and_records_fixtures_exist():
    assert TINY.is_dir() and TINY_RECORDS.is_dir()
