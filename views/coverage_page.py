"""Skill coverage (team leads, L&D): team x skill heatmap, drill-down, concentration risk, trend."""

import streamlit as st

from app import assignments, charts, context, data, ui

context.require_page("coverage")
ctx = context.get()

st.title("Skill coverage")
st.caption(
    f"As of {ui.day(ctx.as_of)} · {ui.plain(ctx.scope_label)} · {ui.plain(ctx.category or 'all skill categories')}"
)

units = ctx.units()
# One row per team while the teams fit on a screen; above that, one row per department. Executives see the
# company by department (teams are mostly too small to show them numbers) and click one to see its teams.
exec_departments = not ctx.viewer.sees_names and ctx.unit is None
by = "department" if exec_departments or units["team"].n_unique() > ui.MAX_TEAM_ROWS else "team"
row_title = by.capitalize()
matrix = data.q("coverage_matrix", as_of=ctx.as_of, category=ctx.category, by=by, **ctx.scope)
needed = data.q("coverage_order", as_of=ctx.as_of, category=ctx.category, by=by, **ctx.scope)
if needed.is_empty():
    st.info("Nobody in this selection has a role that requires skills in this category.")
    st.stop()

order = st.radio("Order", ["Largest gap first", "Alphabetical"], horizontal=True, key="coverage_order")
by_gap = order == "Largest gap first"
teams = needed.filter(needed["axis"] == "team").sort("gap" if by_gap else "name", descending=by_gap)["name"].to_list()
skills = needed.filter(needed["axis"] == "skill").sort("gap" if by_gap else "name", descending=by_gap)["name"].to_list()

if exec_departments:
    st.info("Rows are departments: click a department's cell to see its teams.", icon=":material/account_tree:")
elif by == "department":
    st.info(
        f"This selection has {units['team'].n_unique():,} teams, too many to show one row each: rows are "
        "departments. Choose a department under Org unit to see its teams.",
        icon=":material/account_tree:",
    )
if "suppressed" in matrix.columns and matrix["suppressed"].any():
    st.info(
        "Grey cells marked hidden cover fewer than 5 people, or would let such a group be worked out from the "
        "totals: executives do not see their numbers.",
        icon=":material/visibility_off:",
    )
event = st.plotly_chart(
    charts.coverage_heatmap(matrix, teams, skills, row_title),
    key=f"coverage_heatmap_{by}_{ctx.unit}",  # a new selection for each unit: a drilled click is not replayed
    on_select="rerun",
    selection_mode="points",
)
st.caption(
    ui.DEFINITIONS["coverage"]
    + (" Click a department to see its teams." if exec_departments else " Click a cell to see the people behind it.")
)

points = (event.selection.points if event and event.selection else []) or []
# A click returns the chart's labels, which hold the names escaped (app.charts): back to the names. It moves
# the drill-down to that cell; until a cell is clicked, the drill-down opens on the largest gap.
clicked = (charts.value_of(points[0]["y"]), charts.value_of(points[0]["x"])) if points else None
if clicked and exec_departments and clicked[0] in teams:
    context.drill_into(clicked[0])
if clicked and clicked != st.session_state.get("coverage_clicked"):
    st.session_state["coverage_clicked"] = clicked
    if clicked[0] in teams and clicked[1] in skills:
        st.session_state[f"drill_{by}"], st.session_state["drill_skill"] = clicked
if ctx.viewer.sees_names:  # executives see no names: the drill-down is for leads and L&D
    cell = clicked or ui.largest_gap_cell(matrix)
    c1, c2 = st.columns(2)
    team = c1.selectbox(
        row_title, teams, index=teams.index(cell[0]) if cell and cell[0] in teams else 0, key=f"drill_{by}"
    )
    skill = c2.selectbox(
        "Skill", skills, index=skills.index(cell[1]) if cell and cell[1] in skills else 0, key="drill_skill"
    )

    st.subheader(f"People behind {ui.plain(team)} · {ui.plain(skill)}")
    people = data.q("requirement_people", as_of=ctx.as_of, skill=skill, **{by: team}, **ctx.scope)
    if people.is_empty():
        st.info(f"Nobody in {ui.plain(team)} has a role that requires {ui.plain(skill)}.")
    else:
        ui.table(
            people.select("full_name", "role", "team", "level", "evidence", "required_level", "gap", "met")
            if by == "department"
            else people.select("full_name", "role", "level", "evidence", "required_level", "gap", "met"),
            "coverage_people",
        )
        counts = data.q("assignment_counts", as_of=ctx.as_of, skill=skill, **{by: team}, **ctx.scope)
        if not counts.is_empty():
            st.markdown(f"**Assignments for {ui.plain(skill)} of these people**")
            assignments.status_counts(counts, f"assignments_{skill}")
        assignments.assign_form(
            ctx, people, skill, key=f"{by}_{team}_{skill}", assigned=counts["employee_id"].to_list()
        )

st.subheader("Concentration risk")
st.caption(
    "Skills that only one person in a team holds at the required level: if they leave, the team has none."
    + (" Skills that only you hold are not listed." if ctx.viewer.root else "")
)
risk = data.q("concentration_risk", as_of=ctx.as_of, category=ctx.category, **ctx.scope)
if risk.is_empty():
    st.success("No team depends on a single person for a required skill.")
else:
    ui.table(risk, "concentration_risk")

st.subheader("Coverage trend")
trend_skill = st.selectbox("Skill", skills, key="trend_skill")
trend = data.q("coverage_trend", as_of=ctx.as_of, skill=trend_skill, months=24, **ctx.scope)
if trend.is_empty() or trend["coverage"].is_null().all():
    st.info(
        f"No month has a coverage of {ui.plain(trend_skill)} to show here: nobody in the selection needed it, "
        "or (for executives) fewer than 5 people did."
    )
else:
    st.plotly_chart(
        charts.line_trend(trend, "as_of", "coverage", f"Coverage of {trend_skill} by month", "Coverage (%)"),
        key="coverage_trend",
    )
