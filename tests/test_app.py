"""The pages through Streamlit's AppTest on the tiny organisation: no exception, the key
numbers equal to the metrics queried directly, filters that change what they should."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

import warehouse
from app import ui

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = [
    "views/overview_page.py",
    "views/coverage_page.py",
    "views/people_page.py",
    "views/goals_page.py",
    "views/spend_page.py",
    "views/data_page.py",
]


def metric(at: AppTest, label: str) -> str:
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0].value


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    at = app(as_of="2025-06-30")
    at.switch_page(page).run()
    no_errors(at)
    assert at.title, "every page has a title"


def test_overview_numbers_equal_the_metrics(app, tiny_db):
    at = app(as_of="2025-06-30")
    no_errors(at)
    con = warehouse.connect(tiny_db, read_only=True)
    readiness = con.sql("select readiness from org_readiness(DATE '2025-06-30') where unit = 'company'").fetchall()[0][
        0
    ]
    con.close()
    assert readiness == pytest.approx(0.5)
    assert metric(at, "Readiness") == "50.0%"
    assert [m.delta for m in at.metric if m.label == "Readiness"] == ["-25.0 pts"]  # 75% on 1 Apr
    assert metric(at, "Goals on course") == "1 of 2"
    assert metric(at, "Active learners") == "0"
    assert metric(at, "Spend vs budget") == "4%"  # 3,700 of 100,000 USD


def test_as_of_filter_replays_the_past(app):
    at = app(as_of="2025-01-01")
    assert metric(at, "Readiness") == "75.0%"
    assert metric(at, "Goals on course") == "2 of 2"
    at.query_params.clear()
    at.date_input(key="as_of").set_value(date(2025, 6, 30)).run()
    assert metric(at, "Readiness") == "50.0%"


def test_unit_filter_narrows_every_number(app):
    at = app(as_of="2025-01-01", unit="Insights")
    no_errors(at)
    assert metric(at, "Readiness") == "100.0%"
    at = app(as_of="2025-01-01", unit="Platform")
    assert metric(at, "Readiness") == "71.4%"  # 5 of 7 weighted


def test_coverage_page_drills_into_people(app):
    at = app(as_of="2025-06-30")
    at.switch_page("views/coverage_page.py").run()
    no_errors(at)
    # before any click: the cell with the most people short (Platform's Cloud, Python and Leadership
    # are 1 short each; Cloud comes first)
    assert (at.selectbox(key="drill_team").value, at.selectbox(key="drill_skill").value) == ("Platform", "Cloud")
    at.selectbox(key="drill_team").set_value("Platform").run()
    at.selectbox(key="drill_skill").set_value("Cloud").run()
    people = at.dataframe[0].value
    assert sorted(people["full_name"].to_list()) == ["Bob Baker", "Dan Diaz"]
    assert dict(zip(people["full_name"].to_list(), people["met"].to_list(), strict=False)) == {
        "Bob Baker": False,
        "Dan Diaz": True,
    }


def test_people_page_lists_expiring_certificates(app):
    at = app(as_of="2025-05-01")
    at.switch_page("views/people_page.py").run()
    no_errors(at)
    at.selectbox(key="people_team").set_value("Platform").run()
    tables = [d.value for d in at.dataframe]
    expiring = [t for t in tables if "days_left" in t.columns]
    assert expiring and expiring[0]["full_name"].to_list() == ["Bob Baker"]
    assert expiring[0]["days_left"].to_list() == [45]


def test_expiring_counts_credentials_not_skills_and_follows_the_team(tiny_db, monkeypatch):
    """Bob's Cloud certificate (C-CLOUD, lapsing 15 Jun 2025) is made to attest Python 1 as well: two
    evidence rows, one credential. The Overview counts 1, People lists it once with both skills; Insights
    (Eve's team) lists nothing."""
    from streamlit.testing.v1 import AppTest

    from queries import overview, people
    from warehouse import refresh_evidence

    con = warehouse.connect(tiny_db)
    con.execute("insert into course_skills (course_id, skill, level) values ('C-CLOUD', 'Python', 1)")
    refresh_evidence(con)
    assert con.sql("select count(*) from expiring_credentials(DATE '2025-05-01')").fetchall() == [(2,)]
    assert overview.expiring_count(con, as_of=date(2025, 5, 1))["expiring"].to_list() == [0, 1]
    listed = people.expiring(con, as_of=date(2025, 5, 1))
    assert listed.select("full_name", "title", "skills").rows() == [
        ("Bob Baker", listed["title"][0], "Cloud 3, Python 1")
    ]
    assert people.expiring(con, as_of=date(2025, 5, 1), team="Insights").is_empty()
    con.close()

    monkeypatch.setenv("UPSKILL_DB", str(tiny_db))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=120)
    at.query_params["as_of"] = "2025-05-01"
    at.run()
    assert metric(at, "Expiring in 90 days") == "1"
    at.switch_page("views/people_page.py").run()
    at.selectbox(key="people_team").set_value("Insights").run()
    assert "Nothing in Insights expires in the next 90 days." in [s.value for s in at.success]


def test_spend_page_numbers(app):
    at = app(as_of="2025-03-31")
    at.switch_page("views/spend_page.py").run()
    no_errors(at)
    assert metric(at, "Spent this year") == "$3,700"
    # run rate: 3,700 over 90 days of 365
    assert metric(at, "Projected at year end") == ui.money(3700 / 90 * 365)


def test_goals_page_shows_status_and_method(app):
    at = app(as_of="2025-06-30")
    at.switch_page("views/goals_page.py").run()
    no_errors(at)
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    # G1 (1 of 2, target 80%): the 80% band runs from 9% to 100% (tests/test_metrics.py): at risk
    assert "At risk" in text and "Achieved" in text
    assert "pace of the last 180 days + enrolments - expiries, 80% band" in text
    assert metric(at, "80% band at deadline") == "9% – 100%"
    assert metric(at, "Pace achieved a month") == "0.17" and metric(at, "Pace needed a month") == "0.10"


def test_goals_with_nobody_in_the_unit_get_no_card(app):
    """In Data (Eve, an analyst), G1 (Engineering engineers) has nobody: no card, no bar, no row, one
    mention; G2 (the company at SQL 2) has Eve, who holds SQL 2 (tests/test_metrics.py): one goal on course."""
    at = app(as_of="2025-06-30", unit="Data")
    at.switch_page("views/goals_page.py").run()
    no_errors(at)
    assert [s.value for s in at.main.subheader] == ["20% of the company at SQL 2"]
    assert "1 goal has nobody in this selection and is not shown: 80% of Engineering engineers at Cloud 3." in [
        c.value for c in at.caption
    ]
    at = app(as_of="2025-06-30", unit="Data")
    no_errors(at)
    assert metric(at, "Goals on course") == "1 of 1"
    [table] = [d.value for d in at.dataframe if "status" in d.value.columns and "name" in d.value.columns]
    assert table["goal_id"].to_list() == ["G2"]
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("20% of the company at SQL 2" in s for s in specs)
    assert not any("Engineering engineers" in s for s in specs)


def test_data_page_lists_rejected_rows_with_reasons(app):
    at = app()
    at.switch_page("views/data_page.py").run()
    no_errors(at)
    frames = [d.value for d in at.dataframe]
    rejected = next(f for f in frames if "reason" in f.columns and "raw" in f.columns)
    assert rejected["reason"].to_list() == ["no employee with e-mail ghost@tiny.test in the roster"]


def test_data_page_after_the_same_export_is_uploaded_again(app, tiny_db):
    from app import uploads

    from .conftest import TINY_RECORDS

    warehouse.publish(tiny_db)  # the page reads the published snapshot, so the attempt must be published too
    [again] = uploads.load_uploads([("lrs-export.json", (TINY_RECORDS / "lrs-export.json").read_bytes())])
    assert again.status == "unchanged" and again.message.startswith("Already loaded on ")
    at = app()
    at.switch_page("views/data_page.py").run()
    no_errors(at)
    frames = [d.value for d in at.dataframe]
    history = next(f for f in frames if "status" in f.columns and "file_name" in f.columns)
    newest = history.iloc[0]
    assert (newest["file_name"], newest["status"], newest["message"]) == ("lrs-export.json", "Unchanged", again.message)
    rejected = next(f for f in frames if "reason" in f.columns and "raw" in f.columns)
    assert len(rejected) == 1  # the rejected row is shown once


def test_empty_warehouse_shows_what_to_load(tmp_path, monkeypatch):
    monkeypatch.setenv("UPSKILL_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    no_errors(at)
    assert at.title[0].value.startswith("Welcome")
    assert any("python -m etl load" in c.value for c in at.code)


def test_csv_downloads_neutralise_formulas():
    frame = pl.DataFrame({"name": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "Ana"], "n": [1, 2, 3, 4, -5]})
    text = ui.csv_bytes(frame).decode()
    assert text.splitlines() == ["name,n", '"\'=HYPERLINK(""x"")",1', "'+1,2", "'-2,3", "'@SUM(A1),4", "Ana,-5"]


def test_names_from_files_stay_text():
    from app import charts

    # escaped, and a zero-width space after each colon so that no URL or directive is recognised
    assert (
        ui.plain("[x](http://evil) **b** :red[x]")
        == "\\[x\\]\\(http\\:\u200b//evil\\) \\*\\*b\\*\\* \\:\u200bred\\[x\\]"
    )
    matrix = pl.DataFrame(
        {
            "team": ["<a href='x'>T</a>"],
            "skill": ["S"],
            "coverage": [0.5],
            "covered_headcount": [1],
            "required_headcount": [2],
        }
    )
    fig = charts.coverage_heatmap(matrix, matrix["team"].to_list(), ["S"])
    assert "<" not in str(fig.data[0].y) and "&lt;a href='x'&gt;T&lt;/a&gt;" in fig.data[0].y


def test_coverage_rows_can_be_departments(tiny):
    """A selection with too many teams shows departments: sums of the teams' headcounts."""
    from app import charts
    from queries import coverage as queries

    m = queries.coverage_matrix(tiny, as_of=date(2025, 6, 30), by="department")
    cells = {
        (t, s): (r, c, v)
        for t, s, r, c, v in m.select(
            "team", "skill", "required_headcount", "covered_headcount", "coverage"
        ).iter_rows()
    }
    assert cells[("Engineering", "Cloud")] == (2, 1, 0.5)  # Bob lapsed, Dan holds it
    assert cells[("Engineering", "Python")] == (2, 1, 0.5)
    assert cells[("Data", "SQL")] == (1, 1, 1.0)
    assert cells[("Engineering", "SQL")] == (0, 0, None)
    order = queries.coverage_order(tiny, as_of=date(2025, 6, 30), by="department")
    gaps = dict(order.filter(pl.col("axis") == "team").select("name", "gap").iter_rows())
    assert gaps == {"Engineering": 3, "Data": 0}  # Cloud 1 + Python 1 + Leadership 1
    people = queries.requirement_people(tiny, as_of=date(2025, 6, 30), department="Engineering", skill="Cloud")
    assert sorted(people["full_name"].to_list()) == ["Bob Baker", "Dan Diaz"]

    fig = charts.coverage_heatmap(m, ["Engineering", "Data"], ["Cloud", "SQL"], "Department")
    heat = fig.data[0]
    assert heat.z[0][0] == 50 and heat.z[1][1] == 100 and heat.z[0][1] != heat.z[0][1]  # NaN: nobody needs it
    assert heat.text[0][0] == "50" and heat.text[0][1] == ""
    cells = fig.data[-1]
    assert list(cells.x) == ["Cloud", "SQL", "Cloud", "SQL"] and list(cells.y) == ["Engineering"] * 2 + ["Data"] * 2
    assert [list(c) for c in cells.customdata] == [
        ["Coverage 50%", "1 of 2 at the required level"],
        ["nobody here needs this skill", ""],
        ["nobody here needs this skill", ""],
        ["Coverage 100%", "1 of 1 at the required level"],
    ]
    assert fig.layout.yaxis.title.text == "Department"


def test_person_matrix_colours_say_what_the_caption_says():
    """Caption: red below the required level, blue at or above it. Met exactly (0) is blue, one short red."""
    from plotly.colors import hex_to_rgb

    from app import charts

    frame = pl.DataFrame(
        {
            "full_name": ["Ann", "Ann", "Ann", "Ben"],
            "skill": ["A", "B", "C", "A"],
            "level": [2, 3, 5, 0],
            "required_level": [3, 3, 2, 5],
        }
    )
    fig = charts.person_matrix(frame)
    heat = fig.data[0]

    def colour(diff: int) -> str:
        """The colour Plotly draws: linear between the two stops around the value's place on the scale."""
        t = (diff - heat.zmin) / (heat.zmax - heat.zmin)
        stops = list(zip(heat.colorscale, heat.colorscale[1:], strict=False))
        (a, low), (b_, high) = next((s, e) for s, e in stops if s[0] <= t <= e[0])
        w = (t - a) / (b_ - a) if b_ > a else 1
        r, _, b = (x + (y - x) * w for x, y in zip(hex_to_rgb(low), hex_to_rgb(high), strict=True))
        return "red" if r > b + 30 else "blue" if b > r + 30 else "neither"  # RdBu's white middle: neither

    assert [[colour(z) if z is not None else None for z in row] for row in heat.z] == [
        ["red", "blue", "blue"],
        ["red", None, None],
    ]
    assert fig.layout.xaxis.side == "top"  # a tall matrix is read from its top


def test_heatmap_marks_suppressed_cells():
    from app import charts

    matrix = pl.DataFrame(
        {
            "team": ["A", "B"],
            "skill": ["S", "S"],
            "coverage": [None, 0.75],
            "covered_headcount": [None, 6],
            "required_headcount": [None, 8],
            "suppressed": [True, False],
        }
    )
    fig = charts.coverage_heatmap(matrix, ["A", "B"], ["S"])
    heat, grey, cells = fig.data
    assert [heat.text[0][0], heat.text[1][0]] == ["", "75"]
    assert grey.z[0][0] == 0 and grey.z[1][0] != grey.z[1][0] and grey.text[0][0] == "hidden"  # A drawn grey, B not
    assert [list(c) for c in cells.customdata] == [
        ["hidden: fewer than 5 people,", "or a cell that would reveal such a group"],
        ["Coverage 75%", "6 of 8 at the required level"],
    ]


def test_an_uploaded_moodle_report_keeps_its_name_and_is_read_in_the_chosen_time_zone(tmp_path, monkeypatch):
    """The report's file name says its course (alias cloud-101 of C-CLOUD); its times carry no offset."""
    from app import uploads
    from etl.load import load_paths

    from .conftest import TINY

    db = tmp_path / "w.duckdb"
    con = warehouse.connect(db)
    load_paths(con, [TINY])
    con.close()
    monkeypatch.setenv("UPSKILL_DB", str(db))
    report = b'ID,Name,Email address,Course complete\n7,Bob Baker,Bob.Baker@tiny.test,"31/10/26, 00:30"\n'
    [s] = uploads.load_uploads([("completion-cloud-101-20261101_0900-comma_separated.csv", report)], tz="Europe/Berlin")
    assert (s.status, s.rows_read, s.rows_loaded, s.rows_rejected) == ("loaded", 1, 1, 0), s.line()
    con = warehouse.connect(db, read_only=True)
    try:  # 00:30 in Berlin on 31 Oct 2026 (CET, UTC+1) is 23:30 UTC the day before
        assert con.sql("select employee_id, course_id, completed_at::varchar from completion_records").fetchall() == [
            ("E2", "C-CLOUD", "2026-10-30 23:30:00")
        ]  # stored in UTC
    finally:
        con.close()


def test_a_link_with_values_the_filters_cannot_show_says_so(app):
    at = app(as_of="soon", unit="Research", category="Astrology")
    no_errors(at)
    [warning] = [w.value for w in at.warning if "link" in w.value]
    assert warning == ui.plain(
        "This link could not be shown as sent: the org unit “Research” is not one you can see (it may have been "
        "renamed); showing whole company; the skill category “Astrology” does not exist; showing all categories; "
        "“soon” is not a date (write it as YYYY-MM-DD); showing 2025-03-02."
    )  # the default: the latest record
    at.run()  # still there on the next run of the same view
    assert any("could not be shown as sent" in w.value for w in at.warning)
    at.selectbox(key="unit").select("Platform").run()  # a filter changed: the notice has done its job
    assert not any("could not be shown as sent" in w.value for w in at.warning)


def test_a_good_link_shows_no_notice(app):
    for as_of in ("2025-01-01", "2025/01/01", "2025-1-1"):  # the forms the date filter reads
        at = app(as_of=as_of, unit="Platform")
        no_errors(at)
        assert at.date_input(key="as_of").value == date(2025, 1, 1)
        assert not any("could not be shown as sent" in w.value for w in at.warning), as_of


def test_a_link_with_a_date_outside_the_filters_range_says_so(app):
    at = app(as_of="2010-01-01")  # the date filter reaches 10 years back from its default, 2 Mar 2025
    [warning] = [w.value for w in at.warning if "link" in w.value]
    assert warning == ui.plain(
        "This link could not be shown as sent: 2010-01-01 is outside the dates this "
        "dashboard replays; showing 2025-03-02."
    )


def test_overview_goal_table_says_statuses_in_words(app):
    at = app(as_of="2025-06-30")
    no_errors(at)
    [table] = [d.value for d in at.dataframe if "status" in d.value.columns and "name" in d.value.columns]
    assert set(table["status"]) <= {"Achieved", "On track", "At risk", "Off track"} and len(table) > 0
