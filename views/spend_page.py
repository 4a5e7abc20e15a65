"""Training spend (L&D, executives): budget vs actual, monthly spend, vendors, cost per completion, licences."""

import polars as pl
import streamlit as st

from app import charts, context, data, ui

context.require_page("spend")
ctx = context.get()
cur = ctx.currency
FLAG = "hidden_from_executives"  # the queries' note of what executives may not see; not a figure for L&D

st.title("Training spend")
st.caption(f"As of {ui.day(ctx.as_of)} · {ui.plain(ctx.scope_label)} · amounts in {ui.plain(cur)}")

projection_frame = data.q("spend_projection", as_of=ctx.as_of, unit=ctx.unit)
projection = projection_frame.row(0, named=True)
hidden_total = ui.is_hidden(projection_frame)
budgets = data.q("budgets", as_of=ctx.as_of, unit=ctx.unit)
c1, c2, c3 = st.columns(3)
c1.metric("Spent this year", ui.HIDDEN if hidden_total else ui.money(projection["ytd"], cur), border=True)
c2.metric(
    "Projected at year end",
    ui.HIDDEN if hidden_total else ui.money(projection["year_end"], cur),
    help=ui.DEFINITIONS["projection"],
    border=True,
)
own = [b for b in budgets.iter_rows(named=True) if b["unit"] == (ctx.unit or "company")]
incomplete = bool(own and own[0]["unconverted_lines"])
c3.metric(
    "Budget utilisation",
    ui.HIDDEN
    if own and own[0].get("suppressed")
    else "Incomplete"
    if incomplete
    else ui.pct(own[0]["utilisation"])
    if own
    else "–",
    help=ui.DEFINITIONS["budget_utilisation"]
    + (
        f" {own[0]['unconverted_lines']:,} spend line(s) of this budget have no FX rate, so the share is not known."
        if incomplete
        else ""
    ),
    border=True,
)
unconverted = data.q("unconverted_spend", as_of=ctx.as_of, unit=ctx.unit)
if unconverted.height:
    parts = [
        f"{r['lines']:,} line(s) in {r['currency']} ("
        + (ui.HIDDEN + " people's purchases" if r.get("suppressed") else f"{r['amount']:,.2f} {r['currency']}")
        + ")"
        for r in unconverted.iter_rows(named=True)
    ]
    st.error(
        ui.plain(
            f"Spend this year with no FX rate to {cur}: " + "; ".join(parts) + ". These lines are left out of "
            "every total on this page, and budget utilisation is incomplete until fx.csv gives a rate for "
            + ", ".join(unconverted["currency"].to_list())
            + "."
        ),
        icon=":material/currency_exchange:",
    )

if budgets.is_empty():
    st.info("No budget covers this date for this unit (budgets.csv).")
else:
    budgets = budgets.with_columns(  # the budgets file's word for the whole company, as the filter says it
        pl.when(pl.col("unit") == "company").then(pl.lit("Whole company")).otherwise(pl.col("unit")).alias("unit")
    )
    over = budgets.filter(pl.col("over_budget").fill_null(False))
    if over.height:
        st.warning(
            "Projected over budget at the period's end: "
            + "; ".join(
                f"{ui.plain(r['unit'])} ({ui.money(r['projected'], cur)} of {ui.money(r['budget'], cur)})"
                for r in over.iter_rows(named=True)
            )
            + ".",
            icon=":material/trending_up:",
        )
    st.plotly_chart(charts.budget_vs_actual(budgets, cur), key="budget_vs_actual")
    st.caption(
        ui.DEFINITIONS["budget_utilisation"]
        + " Projected: spend so far / days elapsed x days in the budget's period."
        + (
            f" Departments without a budget have a row of their own, and “{data.NOT_ALLOCATED}” holds the spend "
            "no department carries (company licences, say): the departments and that row add up to the company."
            if ctx.unit is None
            else ""
        )
    )
    outlook = (
        pl.when(pl.col("over_budget"))
        .then(pl.lit("Over budget"))
        .when(pl.col("budget").is_null())
        .then(pl.lit("No budget"))
        .when(pl.col("over_budget").is_null())
        .then(pl.lit("Not known"))
        .otherwise(pl.lit("Within budget"))
        .alias("outlook")
    )
    columns = ["unit", "unit_type", "budget", "actual", "utilisation", "projected", "outlook", "period_start"]
    columns += ["period_end"] + (["unconverted_lines"] if budgets["unconverted_lines"].sum() else [])
    columns += [c for c in ("suppressed",) if c in budgets.columns]
    ui.table(
        budgets.with_columns(outlook).select(columns),
        "budget_vs_actual",
        column_config={
            "utilisation": st.column_config.NumberColumn("Utilisation", format="percent"),
            "projected": st.column_config.NumberColumn("Projected at period end", format="%,.0f"),
            "outlook": st.column_config.TextColumn("Outlook"),
        },
    )

monthly = data.q("monthly_spend", as_of=ctx.as_of, unit=ctx.unit)
st.plotly_chart(charts.monthly_spend(monthly.drop_nulls("spend"), projection, cur), key="monthly_spend")
st.caption(ui.DEFINITIONS["projection"])
if any("suppressed" in f.columns and f["suppressed"].any() for f in (monthly, budgets, projection_frame)):
    st.info(
        "Spend that is the purchases of fewer than 5 people is hidden from executives (with another figure "
        "where needed, so totals cannot reveal it).",
        icon=":material/visibility_off:",
    )

st.subheader("Value for money this year")
value = data.q("value_for_money", as_of=ctx.as_of, unit=ctx.unit).with_columns(
    pl.when(pl.col("unit_type") == "company").then(pl.lit("Whole company")).otherwise(pl.col("unit")).alias("unit")
)
shown_value = value.filter(pl.col("cost_per_level").is_not_null())
if value.height > 1:  # the selected unit's parts (its first row is the unit itself)
    shown_value = shown_value.filter(pl.col("unit") != value["unit"][0])
if shown_value.height:
    st.plotly_chart(
        charts.simple_bars(
            shown_value["unit"].to_list(),
            shown_value["cost_per_level"].to_list(),
            "Cost per skill level gained this year",
            "Department" if ctx.unit is None else "Team",
            f"{cur} per level gained",
            text=[
                f"{ui.money(c, cur)} · {n:,} levels"
                for c, n in shown_value.select("cost_per_level", "levels_gained").iter_rows()
            ],
            horizontal=True,
        ),
        key="value_for_money",
    )
nothing_gained = value.filter(pl.col("levels_gained") == 0)
st.caption(
    ui.DEFINITIONS["value_for_money"]
    + (
        " No skill level was gained this year in "
        + ", ".join(ui.plain(u) for u in nothing_gained["unit"].to_list())
        + ": no cost per level there (“–”)."
        if nothing_gained.height
        else ""
    )
)
value_columns = ["unit", "unit_type", "people", "spend", "levels_gained", "cost_per_level"]
value_columns += (["unconverted_lines"] if value["unconverted_lines"].fill_null(0).sum() else []) + [
    c for c in ("suppressed",) if c in value.columns
]
ui.table(
    value.select(value_columns),
    "value_for_money",
    column_config={
        "spend": st.column_config.NumberColumn(f"Spend ({cur})", format="%,.0f"),
        "levels_gained": st.column_config.NumberColumn("Skill levels gained", format="%,d"),
        "cost_per_level": st.column_config.NumberColumn(f"Cost per level gained ({cur})", format="%,.0f"),
    },
    emptied_by_rule=("cost_per_level",),
)

left, right = st.columns(2)
with left:
    breakdown = data.q("spend_breakdown", as_of=ctx.as_of, unit=ctx.unit)
    if breakdown.drop_nulls("spend").height:
        st.plotly_chart(
            charts.stacked_bars(
                breakdown.drop_nulls("spend"),
                "vendor",
                "category",
                "spend",
                "Spend this year by vendor and category",
                "Vendor",
                f"Spend ({cur})",
            ),
            key="spend_breakdown",
        )
    ui.table(breakdown.drop(FLAG, strict=False), "spend_by_vendor_category")
with right:
    cpc = data.q("cost_per_completion", as_of=ctx.as_of)
    shown = cpc.filter(cpc["cost_per_completion"].is_not_null())
    st.plotly_chart(
        charts.simple_bars(
            shown["vendor"].to_list(),
            shown["cost_per_completion"].to_list(),
            "Cost per completion this year by vendor",
            "Vendor",
            f"{cur} per completion",
            text=[ui.money(v, cur) for v in shown["cost_per_completion"].to_list()],
            horizontal=True,
        ),
        key="cost_per_completion",
    )
    st.caption(
        ui.DEFINITIONS["cost_per_completion"]
        + (
            " Company-wide: not split by org unit (a vendor's spend and completions are the company's)."
            if ctx.unit
            else ""
        )
    )
    ui.table(cpc.drop(FLAG, strict=False), "cost_per_completion")

st.subheader("Licence utilisation" + (" (company-wide)" if ctx.unit else ""))
if ctx.unit:
    st.caption("Licences are bought for the whole company: seats, users and cost here are not split by org unit.")
lic = data.q("licences", as_of=ctx.as_of)
if lic.is_empty():
    st.info("No licence runs on this date (licences.csv).")
else:
    st.plotly_chart(charts.licence_bars(lic), key="licences")
    st.caption(ui.DEFINITIONS["licence_utilisation"] + " " + ui.DEFINITIONS["licence_cost"])
    ui.table(
        lic,
        "licence_utilisation",
        column_config={
            "utilisation": st.column_config.NumberColumn("Utilisation", format="percent"),
            "cost": st.column_config.NumberColumn(f"Cost ({cur})", format="%,.0f"),
        },
    )
