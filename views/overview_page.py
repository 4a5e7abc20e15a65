"""Overview (executives): readiness, goals, spend vs budget, learners, expiring credentials."""

from datetime import timedelta

import polars as pl
import streamlit as st

from app import charts, context, data, ui

context.require_page("overview")
ctx = context.get()
D = ui.DEFINITIONS

st.title("Overview")
st.caption(f"As of {ui.day(ctx.as_of)} · {ui.plain(ctx.scope_label)} · changes against 90 days earlier")

readiness = data.q("readiness_at", as_of=ctx.as_of, **ctx.scope)
goals, goals_without_people = ui.goals_with_people(data.q("goal_status", as_of=ctx.as_of, **ctx.scope))
counts = ui.goal_counts(goals, data.q("goal_status", as_of=ctx.as_of - timedelta(days=90), **ctx.scope))
money = data.may("budgets")
budgets = data.q("budgets", as_of=ctx.as_of, unit=ctx.unit) if money else None
learners_frame = data.q("active_learners", as_of=ctx.as_of, **ctx.scope)
expiring_frame = data.q("expiring_count", as_of=ctx.as_of, **ctx.scope)
learners = learners_frame["active_learners"].to_list()
expiring = expiring_frame["expiring"].to_list()

slots = iter(st.columns(3) + st.columns(3))
r = readiness["readiness"].to_list()
next(slots).metric(
    "Readiness",
    ui.pct(r[-1], 1, ui.is_hidden(readiness)) if r else "–",
    ui.delta_points(r[-1], r[0]) if len(r) == 2 else None,
    help=D["readiness"],
    border=True,
)
good_now = counts["achieved"]["now"] + counts["on_track"]["now"]
good_before = counts["achieved"]["before"] + counts["on_track"]["before"]
counted = sum(c["now"] for c in counts.values())
next(slots).metric(
    "Goals on course",
    f"{good_now} of {counted}",
    ui.delta_count(good_now, good_before),
    help=D["goal_status"] + " Counts the goals with people in this selection; goals whose population is too small "
    "to show are not counted.",
    border=True,
)
if money:
    own = [b for b in budgets.iter_rows(named=True) if b["unit"] == (ctx.unit or "company")]
    if own:
        b = own[0]
        next(slots).metric(
            "Spend vs budget",
            ui.pct(b["utilisation"]),
            help=D["budget_utilisation"],
            border=True,
            delta=f"{ui.money(b['actual'], ctx.currency)} of {ui.money(b['budget'], ctx.currency)}",
            delta_color="off",
            delta_arrow="off",
        )
    else:
        next(slots).metric(
            "Spend vs budget", "–", help=D["budget_utilisation"] + " No budget for this unit and date.", border=True
        )
next(slots).metric(
    "Active learners",
    ui.count(learners[-1], ui.is_hidden(learners_frame)),
    ui.delta_count(learners[-1], learners[0]),
    help=D["active_learners"],
    border=True,
)
next(slots).metric(
    "Expiring in 90 days",
    ui.count(expiring[-1], ui.is_hidden(expiring_frame)),
    ui.delta_count(expiring[-1], expiring[0]),
    delta_color="inverse",
    help=D["expiring"],
    border=True,
)
st.caption(" · ".join(f"{charts.STATUS_LABELS[s]}: {counts[s]['now']}" for s in charts.STATUS_LABELS))

trend = data.q("readiness_trend", as_of=ctx.as_of, months=36, **ctx.scope)
st.plotly_chart(
    charts.line_trend(trend, "as_of", "readiness", "Readiness by month (replayed from the evidence)", "Readiness (%)"),
    key="readiness_trend",
)
st.caption(D["readiness"] + " Each point is a month's last day; the last point is the as-of date.")

st.subheader("Largest gaps against strategic goals")
if goals.height:
    st.plotly_chart(charts.goal_gaps(goals), key="goal_gaps")
    st.caption(D["goal_share"] + " Bars: share now minus target, in percentage points (red: short of it).")
    ui.table(
        goals.sort("gap", descending=True, nulls_last=True).select(
            "goal_id",
            "name",
            pl.col("status").replace(charts.STATUS_LABELS),
            "share",
            "target_share",
            "gap",
            "deadline",
            "population",
            "meeting",
        ),
        "goal_gaps",
        column_config={
            "target_share": st.column_config.NumberColumn("Target", format="percent"),
            "gap": st.column_config.NumberColumn("Gap to target", format="percent", help="Target minus share now"),
        },
    )
elif goals_without_people:
    st.info("No strategic goal concerns anyone in this selection.")
else:
    st.info("No strategic goals loaded yet (goals.csv).")
if note := ui.no_people_note(goals_without_people):
    st.caption(note)
