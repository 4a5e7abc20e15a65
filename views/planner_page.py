"""Training planner (L&D): which training, for whom, closes the most strategic gaps for the budget."""

from datetime import timedelta

import streamlit as st

from app import charts, context, data, ui

context.require_page("planner")
ctx = context.get()
cur = ctx.currency

st.title("Training planner")
st.caption(f"As of {ui.day(ctx.as_of)} · {ui.plain(ctx.scope_label)} · amounts in {cur}")
if not ctx.viewer.sees_names:
    st.info(
        "The planner assigns courses to people by name, which executives do not see. Strategic goals shows "
        "where each goal is heading."
    )
    st.stop()

goals = data.q("open_goals", as_of=ctx.as_of)
skills = data.q("required_skills")["skill"].to_list()
defaults = data.q("planner_defaults", as_of=ctx.as_of, unit=ctx.unit).row(0, named=True)
goal_names = dict(zip(goals["goal_id"].to_list(), goals["name"].to_list(), strict=False))

with st.form("planner_inputs"):
    c1, c2, c3 = st.columns(3)
    budget = c1.number_input(
        f"Budget ({cur})",
        min_value=0.0,
        step=1000.0,
        key="plan_budget",
        value=float(round(defaults["remaining_budget"] if defaults["remaining_budget"] is not None else 10_000)),
        help="Starts at what is left of the unit's (else the company's) budget for this period.",
    )
    hours_cap = c2.number_input(
        "Learning hours per person, at most", min_value=1.0, value=40.0, step=4.0, key="plan_hours"
    )
    window_end = c3.date_input(
        "Window ends",
        value=defaults["window_end"],
        min_value=ctx.as_of + timedelta(days=1),
        key="plan_window",
        format="YYYY-MM-DD",
        help="Starts at the nearest goal deadline. People who leave before it are not "
        "planned for; credentials that lapse before it do not count.",
    )
    chosen_goals = st.multiselect(
        "Strategic goals to serve first",
        goals["goal_id"].to_list(),
        default=goals["goal_id"].to_list(),
        key="plan_goals",
        format_func=lambda g: f"{g} · {goal_names.get(g) or ''}",
    )
    r1, r2 = st.columns([1, 3])
    serve_requirements = r1.toggle("Then role requirements", value=True, key="plan_requirements")
    only_skills = r2.multiselect("Only these required skills (empty: all)", skills, key="plan_skills")
    pressed = st.form_submit_button("Plan", type="primary", icon=":material/calculate:", key="plan_submit")

requirement_skills = (tuple(only_skills) or None) if serve_requirements else ()
request = {
    "as_of": ctx.as_of,
    "budget": float(budget),
    "root": ctx.scope["root"],
    "unit": ctx.scope["unit"],
    "goal_ids": tuple(chosen_goals),
    "requirement_skills": requirement_skills,
    "hours_cap": float(hours_cap),
    "window_end": window_end,
}
headcount = int(ctx.units()["headcount"].sum() or 0)
if pressed:
    st.session_state["plan_asked"] = request
if headcount > ui.AUTO_PLAN_PEOPLE and st.session_state.get("plan_asked") != request:
    # A plan for this many people takes a while: solve it when asked, not on every visit.
    st.info(
        f"{headcount:,} people in this selection: set the budget, the window and the goals, then press "
        "**Plan** (a plan this size takes up to a minute). Choose a department or team under Org unit for a "
        "plan in seconds.",
        icon=":material/calculate:",
    )
    st.stop()
try:
    with st.spinner("Solving the plan…"):
        outcome = data.q("plan_people", **request)
except data.PlanError as exc:
    st.warning(str(exc))
    st.stop()

solve = outcome.solve
(st.success if solve["optimal"] else st.warning)(solve["message"])
s = outcome.summary
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    "Budget used",
    ui.money(s["cost"], cur),
    f"{ui.pct(s['budget_used'])} of {ui.money(s['budget'], cur)}",
    delta_color="off",
    border=True,
)
m2.metric(
    "Assignments",
    f"{s['assignments']:,}",
    f"{s['people']:,} people",
    delta_color="off",
    border=True,
    help=f"Course assignments in the plan, {s['hours']:,.0f} learning hours in all.",
)
m3.metric(
    "Goal progress",
    f"{s['goal_progress']:,}",
    help="People brought to a goal's level, counted up to each goal's target.",
    border=True,
)
m4.metric(
    "Readiness after",
    ui.pct(s["readiness_after"], 1),
    ui.delta_points(s["readiness_after"], s["readiness_now"]),
    help=ui.DEFINITIONS["readiness"],
    border=True,
)
m5.metric(
    "Coverage after",
    ui.pct(s["coverage_after"], 1),
    ui.delta_points(s["coverage_after"], s["coverage_now"]),
    help="Share of (employee, required skill) pairs at the required level.",
    border=True,
)
st.caption(ui.DEFINITIONS["planner"])

left, right = st.columns(2)
with left:
    if outcome.goals.height:
        st.plotly_chart(charts.plan_goals(outcome.goals), key="plan_goals_chart")
    else:
        st.info("No strategic goal is open on this date.")
with right:
    if outcome.skills["closed_pairs"].sum():
        st.plotly_chart(charts.plan_coverage(outcome.skills), key="plan_coverage_chart")
    else:
        st.info("The plan closes no role-requirement gap.")

st.subheader("The plan")
if outcome.plan.is_empty():
    st.info("Nothing to assign: no affordable course closes a selected gap within the caps.")
else:
    ui.table(
        outcome.plan,
        f"training_plan_{ctx.as_of}",
        height=420,
        key="dl_plan",
        download_frame=outcome.export(),
        download_label="Download for LMS bulk assignment (CSV)",
    )

st.subheader("Gaps the catalog cannot close")
if outcome.catalog_gaps.is_empty():
    st.success("Every gap in scope has a course in the catalog that closes it within the caps.")
else:
    ui.table(outcome.catalog_gaps, "catalog_gaps", key="dl_catalog_gaps")

with st.expander("Goals now and after the plan, and how the plan was solved"):
    ui.table(outcome.goals, "plan_goals", key="dl_plan_goals")
    st.caption(
        f"{solve['candidates']:,} candidate (person, course) pairs for {solve['people']:,} people"
        + (f", {solve['bundles']:,} course combinations" if solve.get("bundles") else "")
        + f"; built in {solve['build_seconds']:.2f} s, solved in {solve['seconds']:.2f} s "
        f"({solve['method']}). Greedy baseline: goal progress {solve['greedy_goal_progress']}, "
        f"requirement weight {solve['greedy_requirement_weight']:,.1f}, cost {ui.money(solve['greedy_cost'], cur)}."
    )
