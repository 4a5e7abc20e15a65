"""Assigning a course from the Coverage page (team leads and L&D; executives see aggregates only).

Written like every change made from a page (app.writes): one transaction (etl.assignments.record),
then a published snapshot; one sentence whatever happens. Whom a lead may assign is decided here
from the signed-in viewer (their own reporting tree), never from what the page's widgets offered,
and checked again in the transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from app import context, data, ui, writes
from app.session import current_viewer
from etl import assignments
from warehouse import now_utc

ONLY_NAMED = "Only team leads and L&D staff may assign courses; executives see aggregates only."
MOODLE_FORMAT = assignments.MOODLE_FORMAT
STATUSES = assignments.STATUSES


def assign(
    employee_ids: list[str], course_id: str, due_on: date, skill: str | None = None, target_level: int | None = None
) -> tuple[bool, str, bytes | None]:
    """Assign the course to these people: (done, the sentence to show, the Moodle enrolment file or None)."""
    viewer = current_viewer()
    made: dict = {}

    def change(con) -> str:
        rows = assignments.record(
            con,
            employee_ids=employee_ids,
            course_id=course_id,
            due_on=due_on,
            assigned_by=viewer.email,
            now=now_utc(),
            root=viewer.root,
            skill=skill,
            target_level=target_level,
        )
        made["rows"] = rows
        skipped = len(set(employee_ids)) - rows.height
        text = f"Assigned to {rows.height:,} {'person' if rows.height == 1 else 'people'}, due {due_on:%-d %b %Y}."
        if skipped:
            text += f" {skipped:,} already had this course assigned and {'was' if skipped == 1 else 'were'} left out."
        return text

    done, sentence = writes.as_role(
        change,
        roles=("ld", "lead"),
        refused=ONLY_NAMED,
        expected=(assignments.AssignmentError,),
        what="assigning a course",
    )
    if not done or "rows" not in made:
        return done, sentence, None
    return done, sentence, assignments.moodle_enrolment_csv(made["rows"])


# ---------------------------------------------------------------- on the pages

_DONE = "_upskill_assigned"

#: Above this many people chosen by default, the form does not list them in its people picker: a box says
#: "everyone below the required level with no course assigned yet (N people)", and the picker starts empty
#: for choosing others instead. A picker holding thousands of chosen names (a department's cell at 50,000
#: people) cost Streamlit about 0.8 s on every run of the page (it matches each chosen name against every
#: option, twice), and sent every name to the browser each time.
MAX_PRESELECTED = 100


def course_label(row: dict, currency: str) -> str:
    """A course as the picker names it: title, provider, what it costs and how long it takes."""
    cost = "free" if not row["cost"] else ui.money(row["cost"], currency)
    if row["cost"] == 0 and row["paid_with"] == "idle licence seat":
        cost = "free (an idle licence seat)"
    hours = row["hours"] or 0
    length = f"{hours:,.0f} hour{'s' if hours != 1 else ''}" if hours == int(hours) else f"{hours:,.1f} hours"
    return f"{row['title'] or row['course_id']} · {row['provider'] or 'no provider'} · {cost} · {length}"


def assign_form(ctx, people: pl.DataFrame, skill: str, key: str, assigned: list[str] = ()) -> None:
    """Pick people behind a gap (by default those below the required level who have no course `assigned`
    for the skill yet), a course that closes it (cheapest, then shortest, first) and a due date, then
    assign; then offer the LMS's enrolment file."""
    below = people.filter(~pl.col("met"))
    st.subheader(f"Assign learning for {ui.plain(skill)}")
    level = int(below["required_level"].max()) if below.height else int(people["required_level"].max())
    courses = data.q("assignment_courses", as_of=ctx.as_of, skill=skill, level=level)
    if courses.is_empty():
        st.info(f"No course in the catalog brings {ui.plain(skill)} to level {level}: there is nothing to assign.")
        _show_done(key)
        return
    names = dict(zip(people["employee_id"].to_list(), people["full_name"].to_list(), strict=False))
    options = {r["course_id"]: course_label(r, ctx.currency) for r in courses.iter_rows(named=True)}
    already = set(assigned)
    gaps = [e for e in below["employee_id"].to_list() if e not in already]
    today = date.today()
    with st.form(f"assign_{key}", border=True):
        everyone = None
        if len(gaps) > MAX_PRESELECTED:
            everyone = st.checkbox(
                f"Everyone below the required level who has no course for this skill assigned yet ({len(gaps):,} "
                "people)",
                value=True,
                key=f"assign_everyone_{key}",
            )
        chosen = st.multiselect(
            "People" if everyone is None else "Or these people (when the box above is cleared)",
            list(names),
            default=gaps if everyone is None else [],
            format_func=names.get,
            help="Chosen: the people below the required level who have no course for this skill assigned yet; "
            "add or remove anyone listed above."
            if everyone is None
            else "Clear the box above to assign the course to the people chosen here instead.",
            key=f"assign_people_{key}",
        )
        course = st.selectbox(
            f"Course (cheapest, then shortest, first): teaches {ui.plain(skill)} at level {level} or above, the "
            "highest level these people's roles require",
            list(options),
            format_func=options.get,
            key=f"assign_course_{key}",
        )
        due = st.date_input(
            "Due on", value=today + timedelta(days=30), min_value=today, format="YYYY-MM-DD", key=f"assign_due_{key}"
        )
        submitted = st.form_submit_button(
            "Assign", icon=":material/assignment_add:", type="primary", key=f"assign_go_{key}"
        )
    if submitted:
        chosen = gaps if everyone else chosen
        done, sentence, file = assign(chosen, course, due, skill=skill, target_level=level)
        st.session_state[_DONE] = (key, done, sentence, file, f"moodle-enrolments-{course}-{today:%Y%m%d}")
        if done:  # run again: the counts above read the published assignments
            st.rerun()
    _show_done(key)


def _show_done(key: str) -> None:
    """What the last Assign said, and the enrolment file it made (kept until another assignment)."""
    kept = st.session_state.get(_DONE)
    if not kept or kept[0] != key:
        return
    _, done, sentence, file, name = kept
    if not done:
        st.error(ui.plain(sentence), icon=":material/block:")
        return
    st.success(ui.plain(sentence), icon=":material/task_alt:")
    _today_button(context.get().as_of, f"today_{key}")
    if file is not None:
        st.download_button(
            f"Download the enrolments as {MOODLE_FORMAT}",
            file,
            file_name=f"{name}.csv",
            mime="text/csv",
            key=f"dl_enrol_{key}",
            icon=":material/download:",
            on_click="ignore",
        )
        st.caption(
            "For Moodle's Site administration › Users › Upload users: username (the work e-mail), email and "
            "course1 (the course's short name, the catalog's course id). People without a work e-mail are left out."
        )


def status_counts(frame: pl.DataFrame, name: str, *, team: bool = True) -> None:
    """Per person: how many assignments are assigned, in progress, done and overdue (assignment_status);
    without the team where the page shows one team."""
    ui.table(frame.drop("employee_id", *(() if team else ("team",))), name)
    st.caption(ui.DEFINITIONS["assignment_status"])


def later_note(ctx, team: str | None) -> None:
    """When the page replays an earlier day: say how many assignments were made since (they did not exist
    on that day), with a button to see today."""
    today = date.today()
    if ctx.as_of >= today:
        return
    later = data.q("assignments_made_after", as_of=ctx.as_of, today=today, **ctx.scope, team=team)["later"][0]
    if later:
        st.info(
            f"{later:,} course{'s were' if later != 1 else ' was'} assigned after {ui.day(ctx.as_of)}, the day "
            "this page replays: not shown here until As of reaches the day of the assignment.",
            icon=":material/event_upcoming:",
        )
        _today_button(ctx.as_of, "today_later")


def _today_button(as_of: date, key: str) -> None:
    today = date.today()
    if as_of < today and st.button(f"Show as of today, {ui.day(today)}", key=key, icon=":material/today:"):
        context.show_day(today)
