"""The benchmarks' figures under the keys the performance targets name (no timing here: the figures are given)."""

from __future__ import annotations

from benchmarks import browser_bench, pages_bench


def test_pages_are_reported_in_milliseconds_under_their_short_names():
    measured = {
        "views/goals_page.py": {"cold_p50": 0.8614, "warm_p95": 0.1773, "cold_p95": 1.0, "warm_p50": 0.16},
        "views/overview_page.py": {"cold_p50": 1.6249, "warm_p95": 0.0495, "cold_p95": 2.0, "warm_p50": 0.04},
    }
    assert pages_bench.short_keys(measured) == {
        "goals": {"cold_p50_ms": 861, "warm_p95_ms": 177},
        "overview": {"cold_p50_ms": 1625, "warm_p95_ms": 50},
    }


def test_the_browser_section_lists_every_page_of_the_navigation_with_its_median():
    assert [name for name, _ in browser_bench.nav_pages()] == [
        "overview", "coverage", "people", "goals", "spend", "planner", "data",
    ]  # fmt: skip
    section = {
        "rounds": 3,
        "open_ms": 900,
        "goals": {"settled_p50_ms": 700, "first_ms": 1500, "runs_ms": [1500, 700, 650], "server_p50_ms": 300,
                  "elements": 100, "charts": 7, "figure_bytes": 51_200},
    }  # fmt: skip
    assert browser_bench.rows_for_table(section)[1] == [["goals", 700, 1500, 1500, 300, 100, 7, 50]]


def test_the_servers_run_times_are_grouped_by_page_with_the_home_page_as_the_overview(tmp_path):
    log = tmp_path / "runs.jsonl"
    log.write_text(
        '{"page": "", "seconds": 0.5}\n{"page": "goals", "seconds": 0.25}\n{"page": "overview", "seconds": 0.75}\n'
    )
    assert browser_bench.server_runs(log) == {"overview": [0.5, 0.75], "goals": [0.25]}
    assert browser_bench.server_runs(tmp_path / "none.jsonl") == {}


def test_the_app_counts_as_settled_from_the_first_of_two_checks_in_a_row(monkeypatch):
    from tests import browser_util

    clock = iter([10.3, 10.4, 10.5, 10.6])
    monkeypatch.setattr(browser_util.time, "perf_counter", lambda: next(clock))
    wait = browser_util.Settling(started=10.0, timeout=5)
    assert wait.check(True) is None  # 10.3: a first check that holds
    assert wait.check(False) is None  # a rerun started: start again
    assert wait.check(True) is None  # 10.4
    assert round(wait.check(True), 3) == 0.4  # two in a row: settled at 10.4, 0.4 s after the start


def test_the_pages_section_measures_every_page_of_the_navigation():
    assert pages_bench.page_files() == [
        "views/overview_page.py", "views/coverage_page.py", "views/people_page.py", "views/goals_page.py",
        "views/spend_page.py", "views/planner_page.py", "views/data_page.py",
    ]  # fmt: skip
