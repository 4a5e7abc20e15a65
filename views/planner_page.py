"""Training planner (L&D): which training, for whom, closes the most strategic gaps for the budget."""

from datetime import timedelta

import polars as pl
import streamlit as st

from app import charts, context, data, ui

RATE_BASIS = {
    "course": "the course",
    "provider": "its provider",
    "all courses": "all courses",
    "no records": "no records: 100%",
}

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
# Pre-select only the goals with people in the chosen unit: the others have nothing to plan for.
goal_people = data.q("planner_goal_people", as_of=ctx.as_of, **ctx.scope)
with_people = set(goal_people.filter(goal_people["population"] > 0)["goal_id"].to_list())

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
    hours_per_month = c2.number_input(
        "Learning hours a month per person, at most",
        min_value=1.0,
        value=float(defaults["hours_per_month"]),
        step=1.0,
        key="plan_hours",
        help="Over the window each person gets at most this times the window's months.",
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
        default=[g for g in goals["goal_id"].to_list() if g in with_people],
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
    "hours_per_month": float(hours_per_month),
    "window_end": window_end,
}
headcount = int(ctx.units()["headcount"].sum() or 0)
if pressed:
    st.session_state["plan_asked"] = request
if headcount > ui.AUTO_PLAN_PEOPLE and st.session_state.get("plan_asked") != request:
    # A plan for this many people takes a while: solve it when asked, not on every visit.
    st.info(
        f"{headcount:,} people in this selection: set the budget, the window and the goals, then press "
        "**Plan** (a plan this size takes a while: the greedy plan, with a proven bound on how far from the best "
        "it can be). Choose a department or team under Org unit for a plan in seconds.",
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
step = s["marginal"]
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
    help=f"Course assignments in the plan, {s['expected_completions']:,.0f} of them expected to succeed (at "
    f"their courses' success rates); {s['hours']:,.0f} learning hours in all, at most "
    f"{s['hours_cap']:,.1f} hours per person over the window.",
)
m3.metric(
    "Expected progress",
    f"{s['goal_progress']:,.1f}",
    help="Goal progress: people the plan is expected to bring to a goal's level (each assignment counted at its course's "
    "success rate), up to each goal's target.",
    border=True,
)
m4.metric(
    "Expected readiness",
    ui.pct(s["readiness_after"], 1),
    ui.delta_points(s["readiness_after"], s["readiness_now"]),
    help=ui.DEFINITIONS["readiness"] + " Expected: each closed gap counted at the chance one of its assignments "
    f"succeeds. If every assignment completed: {ui.pct(s['readiness_if_all_complete'], 1)}.",
    border=True,
)
m5.metric(
    f"Next {ui.money(s['marginal_step'], cur)} adds",
    "–" if step is None or step["readiness_points"] is None else f"{step['readiness_points']:+.2f} pts",
    None,
    delta_color="off",
    help="Expected readiness of a plan with this much more budget, less that of this budget (both greedy "
    "plans, as on the curve below)"
    + (
        ""
        if step is None
        else f": {step['requirement_weight']:+,.1f} expected requirement weight, {step['goal_progress']:+,.1f} "
        f"expected goal progress, {ui.money(step['extra_cost'], cur)} more spent."
    ),
    border=True,
)
st.caption(
    f"Expected readiness {ui.pct(s['readiness_now'], 1)} now → {ui.pct(s['readiness_after'], 1)} after the plan, "
    f"{ui.pct(s['readiness_if_all_complete'], 1)} if every assignment completed. Expected coverage "
    f"{ui.pct(s['coverage_after'], 1)} ({ui.delta_points(s['coverage_after'], s['coverage_now'])}). "
    + ui.DEFINITIONS["planner"]
)

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

if not outcome.curve.is_empty():
    st.plotly_chart(charts.plan_curve(outcome.curve, cur, s["readiness_now"]), key="plan_curve_chart")
    st.caption(
        "Each budget planned the same way (most expected gain per unit of cost, goals first); "
        f"{ui.money(0, cur)} is what free courses and idle licence seats alone give. "
        + " · ".join(
            f"{ui.money(r['budget'], cur)}: {ui.pct(r['expected_readiness'], 1)}"
            for r in outcome.curve.iter_rows(named=True)
        )
    )

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
        column_config={"success_rate": st.column_config.NumberColumn("Success rate", format="percent")},
    )

st.subheader("Gaps the catalog cannot close")
if outcome.catalog_gaps.is_empty():
    st.success("Every gap in scope has a course in the catalog that closes it within the caps.")
else:
    ui.table(outcome.catalog_gaps, "catalog_gaps", key="dl_catalog_gaps")

st.subheader("Success rates used")
st.caption(ui.DEFINITIONS["planner_success"])
if outcome.rates.is_empty():
    st.info("The plan assigns no course.")
else:
    ui.table(
        outcome.rates.select(
            "course_id",
            "title",
            pl.col("success_rate").alias("success_share"),
            pl.col("completion_rate").alias("completion_share"),
            pl.col("pass_rate").alias("pass_share"),
            pl.col("basis").replace(RATE_BASIS).alias("rate_from"),
            "attempts",
            "finished",
            "succeeded",
            "provider",
        ),
        "planner_success_rates",
        key="dl_success_rates",
        column_config={
            "completion_share": st.column_config.NumberColumn("Completion rate", format="percent"),
            "pass_share": st.column_config.NumberColumn("Pass rate", format="percent"),
            "success_share": st.column_config.NumberColumn("Success rate", format="percent"),
        },
    )
st.caption(
    "Idle licence seats: "
    + "; ".join(
        f"{ui.plain(r['vendor'])} {r['seats_used']:,} of {r['idle_seats']:,} used ({r['assignments']:,} assignments)"
        for r in outcome.seats.iter_rows(named=True)
    )
    + ". A seat is one person's access to the vendor's courses; past the idle seats a course costs its price."
    if outcome.seats.height
    else "No licence has idle seats on this date: every course costs its price."
)

with st.expander("Goals now and after the plan, and how the plan was solved"):
    ui.table(outcome.goals, "plan_goals", key="dl_plan_goals")
    st.caption(
        f"{solve['candidates']:,} candidate (person, course) pairs for {solve['people']:,} people"
        + (f", {solve['bundles']:,} course combinations" if solve.get("bundles") else "")
        + f"; built in {solve['build_seconds']:.2f} s, solved in {solve['seconds']:.2f} s "
        f"({solve['method']}). Greedy baseline: expected goal progress {solve['greedy_goal_progress']:,.1f}, "
        f"requirement weight {solve['greedy_requirement_weight']:,.1f}, cost {ui.money(solve['greedy_cost'], cur)}."
    )
