"""Strategic goals (executives): one card per goal with trajectory, projection with its band, pace and status."""

import streamlit as st

from app import charts, context, data, ui

context.require_page("goals")
ctx = context.get()

st.title("Strategic goals")
st.caption(f"As of {ui.day(ctx.as_of)} · {ui.plain(ctx.scope_label)} · " + ui.DEFINITIONS["goal_status"])
goals = data.q("goal_status", as_of=ctx.as_of, **ctx.scope)
if goals.is_empty():
    st.info(
        "No strategic goals loaded yet: load a goals.csv (goal_id, name, skill, min_level, scope, roles, "
        "target_share, deadline, owner)."
    )
    st.stop()
goals, empty = ui.goals_with_people(goals)
if note := ui.no_people_note(empty):
    st.caption(note)
if goals.is_empty():
    st.info("No strategic goal concerns anyone in this selection: choose another org unit to see goals.")
    st.stop()

for goal in goals.iter_rows(named=True):
    with st.container(border=True):
        head, badge = st.columns([4, 1])
        head.subheader(ui.plain(goal["name"] or goal["goal_id"]))
        status = goal["status"]
        colour = {"achieved": "green", "on_track": "blue", "at_risk": "orange", "off_track": "red"}.get(status, "gray")
        label = ui.HIDDEN if goal.get("suppressed") else charts.STATUS_LABELS.get(status, "No population")
        badge.markdown(f"### :{colour}[{label}]")
        c1, c2, c3, c4 = st.columns(4)
        hidden = bool(goal.get("suppressed"))
        c1.metric("Share now", ui.pct(goal["share"], 1, hidden), help=ui.DEFINITIONS["goal_share"])
        c2.metric("Target", ui.pct(goal["target_share"]))
        c3.metric("Deadline", ui.day(goal["deadline"]))
        c4.metric(
            "Projected at deadline",
            ui.pct(goal["projected_share"], 1, hidden),
            help=f"Method: {goal['projection_method']}. " + ui.DEFINITIONS["goal_status"],
        )
        d1, d2, d3, d4 = st.columns(4)
        band = (
            ui.HIDDEN
            if hidden
            else "–"
            if goal["projected_low"] is None
            else f"{ui.pct(goal['projected_low'])} – {ui.pct(goal['projected_high'])}"
        )
        d1.metric("80% band at deadline", band, help=ui.DEFINITIONS["goal_status"])
        d2.metric(
            "Pace achieved a month",
            ui.HIDDEN if hidden else f"{goal['pace_per_month']:.2f}",
            help="People a month. " + ui.DEFINITIONS["goal_pace"],
        )
        d3.metric(
            "Pace needed a month",
            ui.HIDDEN
            if hidden
            else "–"
            if goal["pace_needed_per_month"] is None
            else f"{goal['pace_needed_per_month']:.2f}",
            help="People a month. " + ui.DEFINITIONS["goal_pace"],
        )
        d4.metric("Days left", f"{goal['days_left']:,}")
        st.caption(
            f"{ui.plain(goal['skill'])} at level {goal['min_level']}+ · scope {ui.plain(goal['scope'])}"
            + (f" · roles {ui.plain(', '.join(goal['roles']))}" if goal["roles"] else "")
            + (
                f" · population {ui.HIDDEN} people"
                if hidden
                else f" · {goal['meeting']:,} of {goal['population']:,} people"
            )
            + f" · projection: {goal['projection_method']}"
        )
        if not hidden and goal["days_left"]:
            st.caption(
                f"Terms: {goal['arrivals_180_days']:,} reached the level in the last 180 days · "
                f"{goal['enrolled_in_progress']:,} enrolled in a course that teaches it "
                f"(pass rate {ui.pct(goal['pass_rate'])}) · {goal['expiring_before_deadline']:,} at the level "
                "now lapse before the deadline."
            )
        history = data.q("goal_trajectory", goal_id=goal["goal_id"], as_of=ctx.as_of, months=18, **ctx.scope)
        st.plotly_chart(charts.goal_trajectory(history, goal), key=f"trajectory_{goal['goal_id']}")
        if ctx.viewer.sees_names and status != "achieved":
            with st.expander("Who is not there yet"):
                missing = data.q("goal_people_missing", goal_id=goal["goal_id"], as_of=ctx.as_of, **ctx.scope)
                ui.table(missing, f"goal_{goal['goal_id']}_not_yet", key=f"dl_missing_{goal['goal_id']}")
