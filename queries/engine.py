"""Where the page queries run: DuckDB (the default) or Spark, from the same SQL.

DuckDB reads the warehouse file and runs the models' macros itself. Spark has no macros
and no warehouse file, so ``SparkConnection`` stands where a DuckDB connection stands
(the page queries and the planner call ``con.sql(sql, params=...)``, ``.pl()``,
``.fetchall()`` and ``con.execute``) and, for every statement:

1. parses it as DuckDB SQL and expands every macro call inline (``queries.portable``);
2. binds the parameters (``$as_of``) as SQL literals in the syntax tree, never by
   formatting text (a date becomes ``DATE '2026-05-31'``, a list an ``ARRAY(...)``);
3. writes the tree as Spark SQL (sqlglot, pinned: its output changes between releases);
4. returns the rows as Arrow, read into Polars.

The tables are read from a Parquet export (``python -m etl export``) or from a catalog
namespace holding tables with the same columns (Iceberg, Delta: docs/scale-out.md); the
models' views are defined on top of them as temporary views, expanded the same way.

Choose with ``UPSKILL_ENGINE=spark``; Spark runs in local mode unless ``UPSKILL_SPARK``
names a Spark Connect server (``sc://host:15002``). ``UPSKILL_PARQUET`` (a folder or
URI Spark can read) or ``UPSKILL_SPARK_TABLES`` (``catalog.namespace``) says where the
tables are.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import os
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
from sqlglot import ErrorLevel, exp

import warehouse
from queries import portable

#: What local mode starts: two cores, a small JVM (the C1 compiler only, the serial collector),
#: one shuffle partition (the tables of one company fit in one), UTC dates.
LOCAL_CONF = {
    "spark.master": "local[2]",
    "spark.driver.memory": "768m",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=128m -Xss16m",
    "spark.sql.shuffle.partitions": "1",
    # compiling each stage to Java and re-planning it at run time cost more than they save on
    # a laptop's data (five of the slowest page queries on the demo company: 28 s without, 65 s with)
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}
SPARK_DIALECT = "spark"
#: Columns the export adds to partition a table (etl/export.py); not columns of the table, dropped on read.
PARTITIONS = {"completion_records": "month"}
MANIFEST = "export.json"


class EngineError(Exception):
    """The engine cannot be used as asked; the message says why in one sentence."""


def literal(value) -> exp.Expression:
    """A Python value as a SQL literal of the same type, built as a syntax tree (never as text)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):  # a double, as DuckDB binds it (a bare 0.5 would be a DECIMAL on Spark)
        return exp.cast(exp.Literal.number(repr(value)), exp.DataType.Type.DOUBLE)
    if isinstance(value, decimal.Decimal):
        return exp.Literal.number(str(value))
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.Type.TIMESTAMP)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v) for v in value])
    raise EngineError(f"A query parameter of type {type(value).__name__} cannot be sent to Spark.")


def bind(tree: exp.Expression, params: dict) -> exp.Expression:
    """The statement with each ``$name`` replaced by its value's literal."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in params:
                raise EngineError(f"The query needs a value for ${node.name}.")
            return literal(params[node.name])
        return node

    return tree.transform(replace)


def without_hints(tree: exp.Expression) -> exp.Expression:
    """The statement without DuckDB's ``as materialized`` on its CTEs: a hint on how to run it, never
    on which rows it gives, that Spark's grammar does not have (Spark plans each CTE itself)."""
    for cte in tree.find_all(exp.CTE):
        cte.set("materialized", None)
    return tree


def to_spark(sql: str, params: dict | None = None) -> str:
    """DuckDB SQL of a page query (macros and parameters) as the Spark SQL that gives the same rows."""
    tree = without_hints(bind(portable.expand(sql), params or {}))
    return tree.sql(dialect=SPARK_DIALECT, unsupported_level=ErrorLevel.RAISE)  # never a silent approximation


@cache
def view_statements() -> list[tuple[str, str]]:
    """The models' views, in the models' order, as (name, Spark SQL of its query)."""
    return [
        (name, to_spark(sql))
        for path in portable.model_files()
        for name, sql in portable.parse_views(path.read_text(encoding="utf-8"))
    ]


class SparkResult:
    """A statement's rows, read once into Polars (what DuckDB's relation gives the queries)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def pl(self) -> pl.DataFrame:
        return self.frame

    def fetchall(self) -> list[tuple]:
        return self.frame.rows()


class SparkConnection:
    """A Spark session standing where a DuckDB read connection stands, for the page queries and the planner."""

    def __init__(self, spark) -> None:
        self.spark = spark

    def sql(self, sql: str, params: dict | None = None) -> SparkResult:
        text = to_spark(sql, params)
        try:
            frame = pl.from_arrow(self.spark.sql(text).toArrow())
        except Exception as exc:
            if not _from_spark(exc):
                raise
            raise EngineError(f"Spark could not run a query ({_first_line(exc)}).") from exc
        # Spark's timestamps carry the session's zone (UTC); the warehouse's are UTC without one
        return SparkResult(
            frame.with_columns(
                pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
                for c, t in frame.schema.items()
                if isinstance(t, pl.Datetime) and t.time_zone is not None
            )
        )

    def execute(self, sql: str, params: dict | None = None) -> SparkResult:
        return self.sql(sql, params)

    def cursor(self) -> SparkConnection:
        return self

    def close(self) -> None:
        """The session outlives one query (starting Spark takes seconds): stop_spark() ends it."""


@dataclass(frozen=True)
class Tables:
    """Where Spark reads the warehouse's tables: a Parquet export (folder or URI), or a catalog namespace."""

    parquet: str | None = None
    namespace: str | None = None

    @classmethod
    def from_env(cls) -> Tables:
        parquet, namespace = os.environ.get("UPSKILL_PARQUET"), os.environ.get("UPSKILL_SPARK_TABLES")
        if not parquet and not namespace:
            raise EngineError(
                "Spark needs the tables: set UPSKILL_PARQUET to an export (python -m etl export) "
                "or UPSKILL_SPARK_TABLES to a catalog namespace."
            )
        return cls(parquet or None, None if parquet else namespace)

    def version(self) -> str:
        """Changes when the tables do: a local export's manifest (an export replaces it), else the version
        the operator sets in UPSKILL_DATA_VERSION when a refresh lands (a lakehouse's tables change in place)."""
        if self.parquet and Path(self.parquet).exists():
            manifest = Path(self.parquet) / MANIFEST
            st = manifest.stat() if manifest.exists() else Path(self.parquet).stat()
            return f"{self.parquet}|{st.st_size}:{st.st_mtime_ns}"
        return f"{self.parquet or self.namespace}|{os.environ.get('UPSKILL_DATA_VERSION', '')}"


def _session(remote: str | None):
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)  # errors reach the caller as exceptions
    # results come as Arrow: pyspark's pandas support, which warns about pandas' version, is not used
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "Spark is not installed here: pip install -r requirements-scale.txt (and a Java 17 runtime)."
        ) from None
    builder = SparkSession.builder.appName("upskill")
    if remote:
        return builder.remote(remote).getOrCreate()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # local mode listens on this computer only
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    logs = f"-Dlog4j2.configurationFile={(warehouse.CONFIG_DIR / 'spark-log4j2.properties').as_uri()}"
    builder = builder.config("spark.driver.extraJavaOptions", f"{LOCAL_CONF['spark.driver.extraJavaOptions']} {logs}")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_tables(spark, tables: Tables) -> list[str]:
    """Temporary views over the base tables, then the models' views over them; the base tables' names."""
    if tables.parquet:
        root = tables.parquet.rstrip("/")
        manifest = spark.read.text(f"{root}/{MANIFEST}", wholetext=True).first()
        if manifest is None:
            raise EngineError(f"{MANIFEST} in the Parquet folder is empty: export the warehouse again.")
        names = _manifest_tables(manifest[0])
        for name in names:
            frame = spark.read.parquet(f"{root}/{name}")
            if name in PARTITIONS:
                frame = frame.drop(PARTITIONS[name])
            frame.createOrReplaceTempView(name)
    else:
        names = sorted(t.name for t in spark.catalog.listTables(tables.namespace) if not t.isTemporary)
        for name in names:
            spark.table(f"{tables.namespace}.{name}").createOrReplaceTempView(name)
    for name, query in view_statements():
        spark.sql(f"create or replace temporary view {name} as {query}")
    return names


_SESSION: dict = {}


def spark_connection(tables: Tables | None = None, remote: str | None = None) -> SparkConnection:
    """The process's Spark session with the tables registered (started once: it takes seconds)."""
    tables = tables or Tables.from_env()
    remote = remote if remote is not None else os.environ.get("UPSKILL_SPARK") or None
    key = (tables, remote)
    if _SESSION.get("key") != key:
        spark = _SESSION.get("spark") or _session(remote)
        try:
            register_tables(spark, tables)
        except Exception as exc:
            if _from_spark(exc):
                raise EngineError(f"Spark could not read the tables ({_first_line(exc)}).") from None
            raise
        _SESSION.update(spark=spark, key=key)
    return SparkConnection(_SESSION["spark"])


def stop_spark() -> None:
    """End the process's Spark session (tests, and the command line when it is done)."""
    spark = _SESSION.pop("spark", None)
    _SESSION.clear()
    if spark is not None:
        spark.stop()


def _from_spark(exc: BaseException) -> bool:
    """An error Spark raised (analysis, execution, the JVM), as opposed to one of ours."""
    return type(exc).__module__.split(".")[0] in ("pyspark", "py4j")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return re.sub(r"(file:)?/\S+", "a path", text[0] if text else type(exc).__name__)[:200]


def _manifest_tables(text: str) -> list[str]:
    try:
        return sorted(json.loads(text)["tables"])
    except (ValueError, KeyError, TypeError):
        raise EngineError(f"{MANIFEST} in the Parquet folder is not an export's: export the warehouse again.") from None


def local_export(folder: str | Path) -> Path:
    """The manifest of an export on this computer; EngineError when the folder holds none."""
    manifest = Path(folder) / MANIFEST
    if not manifest.exists():
        raise EngineError(f"There is no export at {Path(folder).name} (python -m etl export writes one).")
    return manifest


def duckdb_over_parquet(folder: Path):
    """An in-memory DuckDB reading a Parquet export, with the models applied: DuckDB on Spark's input."""
    import duckdb

    manifest = local_export(folder)
    con = duckdb.connect()
    for name in _manifest_tables(manifest.read_text(encoding="utf-8")):
        rel = con.read_parquet(str(Path(folder) / name / "**" / "*.parquet"), hive_partitioning=name in PARTITIONS)
        if name in PARTITIONS:
            rel = rel.select(*[c for c in rel.columns if c != PARTITIONS[name]])
        rel.create_view(name)
    for path in portable.model_files():
        con.execute(path.read_text(encoding="utf-8"))
    return con


def engine_name(con) -> str:
    """'<engine> <version>', as the command line reports it."""
    if isinstance(con, SparkConnection):
        return f"spark {con.spark.version}"
    import duckdb

    return f"duckdb {duckdb.__version__}"
