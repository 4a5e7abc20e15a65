"""Queries of the Training spend page: budgets, monthly spend, vendors, cost per completion, licences.

Spend lines tied to an employee are that person's purchases. Executives see no spend figure
that is one or a few people's purchases: every figure of the year to date (a unit's total, its
months, its vendors and categories, a vendor's total) whose lines are all tied to employees,
1 to 4 of them, is hidden, with the complements that keep it from being a total minus the other figures shown
(the unit's months and its vendors both add up to its year to date; a department's figure and
its teams'), decided once for all of them (``_hidden_spend``) and marked on each result.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from queries import suppression as hide
from queries._sql import run
from queries.registry import Audience, query

#: Every figure of the year to date an executive can see, per org unit: the total, each month, each
#: vendor and category, and (company only) each vendor; with how many people's purchases it holds.
_SPEND_CELLS = """
with lines as (
    select amount_reporting, employee_id, team, department, vendor as known_vendor,
           strftime(date, '%Y-%m') as month,
           coalesce(vendor, 'Unknown') as vendor, coalesce(category, 'other') as category
    from spend_year_to_date($as_of)
),

units as (
    select 'company' as unit_type, 'company' as unit, * from lines
    union all
    select 'department', department, * from lines where department is not null
    union all
    select 'team', team, * from lines where team is not null
)

select unit_type, unit, 'total' as kind, '' as a, '' as b,
       coalesce(sum(amount_reporting), 0) as size, count(distinct employee_id) as buyers,
       count(employee_id) = count(*) as personal
from units group by all
union all
select unit_type, unit, 'month', month, '', coalesce(sum(amount_reporting), 0), count(distinct employee_id),
       count(employee_id) = count(*)
from units group by all
union all
select unit_type, unit, 'breakdown', vendor, category, coalesce(sum(amount_reporting), 0), count(distinct employee_id),
       count(employee_id) = count(*)
from units group by all
union all
select unit_type, unit, 'vendor', known_vendor, '', coalesce(sum(amount_reporting), 0), count(distinct employee_id),
       count(employee_id) = count(*)
from units where unit_type = 'company' and known_vendor is not null group by all
"""


def _hidden_spend(con, as_of: date) -> set[tuple]:
    """The year-to-date figures executives may not see: (unit_type, unit, kind, a, b) with kind 'total',
    'month' (a = YYYY-MM), 'breakdown' (a vendor, b category) or 'vendor' (a vendor; company only);
    decided once per date for the page's queries (hide.decided)."""
    return hide.decided(("spend", as_of), lambda: _decide_hidden_spend(con, as_of))


def _decide_hidden_spend(con, as_of: date) -> set[tuple]:
    frame = run(con, _SPEND_CELLS, as_of=as_of)
    small = frame.select(pl.col("personal") & (pl.col("buyers") > 0) & (pl.col("buyers") < hide.MIN_GROUP))
    cells = dict(
        zip(
            frame.select("unit_type", "unit", "kind", "a", "b").iter_rows(),
            zip(frame["size"].cast(pl.Float64).to_list(), small.to_series().to_list(), strict=True),
            strict=True,
        )
    )
    departments = frame.filter(pl.col("unit_type") == "department")["unit"].unique().to_list()
    children = hide.org_children(hide.team_departments(con), departments)
    nodes = list(children) + [t for d in children[("company", hide.COMPANY)] for t in children[d]]
    keys = {c[2:] for c in cells if c[2] != "vendor"}
    equations = [((*parent, *k), [(*kid, *k) for kid in kids]) for k in keys for parent, kids in children.items()]
    for node in nodes:
        total = (*node, "total", "", "")
        for kind in ("month", "breakdown"):
            equations.append((total, [(*node, *k) for k in keys if k[0] == kind]))
    company = ("company", hide.COMPANY)
    for c in cells:
        if c[2] == "vendor":
            equations.append((c, [(*company, *k) for k in keys if k[0] == "breakdown" and k[1] == c[3]]))
    return hide.protect(cells, equations)


def _mark(frame: pl.DataFrame, cells: list[tuple], hidden: set[tuple]) -> pl.DataFrame:
    return frame.with_columns(pl.Series(hide.TREE_FLAG, [c in hidden for c in cells], dtype=pl.Boolean))


def _node(con, unit: str | None) -> tuple[str, str]:
    if unit is None or unit == hide.COMPANY:
        return ("company", hide.COMPANY)
    is_department = con.execute("select count(*) from teams where department = $unit", {"unit": unit}).fetchall()
    return ("department", unit) if is_department[0][0] else ("team", unit)


#: The row of the budgets table that holds the spend no department carries (company licences, say).
NOT_ALLOCATED = "Company-wide (not allocated)"


@query(Audience.MONEY, small_groups=hide.hide_marked(["actual", "utilisation", "projected", "over_budget"]))
def budgets(con, as_of: date, unit=None) -> pl.DataFrame:
    """Budgets running on the date with their actual spend so far and the run-rate projection to the
    period end. For the whole company, the departments without a budget and the spend no department
    carries (NOT_ALLOCATED) get a row of their own, so that the departments' rows add up to the company's.
    Executives: an actual that is 1 to 4 people's purchases is hidden (as the year to date it equals, or
    by its own buyers)."""
    frame = run(
        con,
        """
        with b as (
            select b.*, case when b.unit = 'company' then 'company'
                             when b.unit in (select department from teams) then 'department' else 'team' end as unit_type
            from budget_utilisation($as_of) as b
        ),

        company as (
            select period_start, period_end from b where unit = 'company'
        ),

        -- the spend lines read once (spend_reporting converts every line at its month's rate)
        lines as (
            select date, employee_id, team, department, amount_reporting, fx_rate
            from spend_reporting
            where date <= $as_of
        ),

        -- every department's spend in the company's period, and the lines no department carries
        carried as (
            select coalesce(s.department, $not_allocated) as unit,
                   case when s.department is null then 'company-wide' else 'department' end as unit_type,
                   c.period_start, c.period_end,
                   sum(s.amount_reporting) as actual,
                   count(*) filter (where s.fx_rate is null) as unconverted_lines,
                   count(distinct s.employee_id) between 1 and 4 and count(s.employee_id) = count(*) as small
            from lines as s
            inner join company as c on s.date between c.period_start and $as_of
            group by 1, 2, 3, 4
        ),

        -- each spend line once for the company, its department and its team (an equi-join below,
        -- not a subquery per budget matching either column)
        line_units as (
            select 'company' as unit, date, employee_id from lines
            union all
            select department, date, employee_id from lines where department is not null
            union all
            select team, date, employee_id from lines where team is not null
        ),

        buyers as (
            select b.unit, b.period_start,
                   count(distinct l.employee_id) between 1 and 4 and count(l.employee_id) = count(*) as small
            from b
            left join line_units as l on l.unit = b.unit and l.date between b.period_start and $as_of
            group by b.unit, b.period_start
        ),

        budgeted as (
            select b.unit, b.unit_type, b.period_start, b.period_end, b.budget, b.actual, b.utilisation,
                   b.unconverted_lines, b.projected, b.over_budget, buyers.small
            from b
            inner join buyers on buyers.unit = b.unit and buyers.period_start = b.period_start
            where $unit is null or $unit = 'company' or b.unit = $unit
               or b.unit in (select team from teams where department = $unit)
        ),

        unbudgeted as (
            select c.unit, c.unit_type, c.period_start, c.period_end, cast(null as double) as budget, c.actual,
                   cast(null as double) as utilisation, c.unconverted_lines,
                   run_rate(c.actual, c.period_start, $as_of, c.period_end) as projected,
                   cast(null as boolean) as over_budget, c.small
            from carried as c
            where ($unit is null or $unit = 'company') and c.unit not in (select unit from b)
        )

        select * from budgeted
        union all
        select * from unbudgeted
        order by case unit_type when 'company' then 0 when 'company-wide' then 1 when 'department' then 2 else 3 end,
                 unit
    """,
        as_of=as_of,
        unit=unit,
        not_allocated=NOT_ALLOCATED,
    )
    hidden = _hidden_spend(con, as_of)
    year_start = date(as_of.year, 1, 1)
    flags = [
        (r["unit_type"], r["unit"], "total", "", "") in hidden
        if r["period_start"] == year_start and r["unit_type"] != "company-wide"
        else r["small"]
        for r in frame.iter_rows(named=True)
    ]
    return frame.drop("small").with_columns(pl.Series(hide.TREE_FLAG, flags, dtype=pl.Boolean))


@query(Audience.MONEY, small_groups=hide.hide_marked(["spend"]))
def monthly_spend(con, as_of: date, unit=None) -> pl.DataFrame:
    """Spend per month of the calendar year of as_of, up to as_of, in the reporting currency."""
    frame = run(
        con,
        """
        select date_trunc('month', date) as month, sum(amount_reporting) as spend
        from spend_year_to_date($as_of, org_unit := $unit)
        group by 1 order by 1
    """,
        as_of=as_of,
        unit=unit,
    )
    node = _node(con, unit)
    cells = [(*node, "month", m.strftime("%Y-%m"), "") for m in frame["month"].to_list()]
    return _mark(frame, cells, _hidden_spend(con, as_of))


@query(Audience.MONEY, small_groups=hide.hide_marked(["spend", "lines"]))
def spend_breakdown(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend by vendor and category."""
    frame = run(
        con,
        """
        select coalesce(vendor, 'Unknown') as vendor, coalesce(category, 'other') as category,
               sum(amount_reporting) as spend, count(*) as lines
        from spend_year_to_date($as_of, org_unit := $unit)
        group by all order by spend desc nulls last, vendor, category
    """,
        as_of=as_of,
        unit=unit,
    )
    node = _node(con, unit)
    cells = [(*node, "breakdown", v, c) for v, c in frame.select("vendor", "category").iter_rows()]
    return _mark(frame, cells, _hidden_spend(con, as_of))


@query(Audience.MONEY, small_groups=hide.hide_marked(["ytd", "year_end"]))
def spend_projection(con, as_of: date, unit=None) -> pl.DataFrame:
    """Year-to-date spend and the run-rate projection to the year end."""
    frame = run(con, "select * from spend_projection($as_of, org_unit := $unit)", as_of=as_of, unit=unit)
    return _mark(frame, [(*_node(con, unit), "total", "", "")] * frame.height, _hidden_spend(con, as_of))


@query(Audience.MONEY, small_groups=hide.hide_small("buyers", ["amount", "buyers"]))
def unconverted_spend(con, as_of: date, unit=None) -> pl.DataFrame:
    """Spend lines of the year to date whose currency has no FX rate (left out of every total in the
    reporting currency), per currency: how many lines, their amount in that currency, how many people's."""
    return run(
        con,
        """
        select currency, count(*) as lines, sum(amount) as amount, count(distinct employee_id) as buyers
        from spend_year_to_date($as_of, org_unit := $unit)
        where fx_rate is null
        group by currency order by currency
    """,
        as_of=as_of,
        unit=unit,
    )


@query(
    Audience.MONEY,
    small_groups=hide.all_of(
        hide.hide_marked(["spend", "cost_per_completion"]),
        hide.hide_small("completions", ["completions", "cost_per_completion"]),
    ),
)
def cost_per_completion(con, as_of: date) -> pl.DataFrame:
    frame = run(
        con,
        """
        select * from cost_per_completion(year_start($as_of), $as_of)
        order by cost_per_completion desc nulls last, vendor
    """,
        as_of=as_of,
    )
    cells = [("company", hide.COMPANY, "vendor", v, "") for v in frame["vendor"].to_list()]
    return _mark(frame, cells, _hidden_spend(con, as_of))


@query(Audience.MONEY, small_groups=hide.hide_small("active_users", ["active_users", "utilisation", "idle_seats"]))
def licences(con, as_of: date) -> pl.DataFrame:
    return run(con, "select * from licence_utilisation($as_of) order by vendor", as_of=as_of)


_VALUE = ["people", "spend", "unconverted_lines", "levels_gained", "cost_per_level"]


@query(Audience.MONEY, small_groups=hide.hide_marked(_VALUE))
def value_for_money(con, as_of: date, unit=None) -> pl.DataFrame:
    """What the year's spend bought, per unit of the selection: the unit itself first, then its
    departments (the whole company) or teams (a department); spend, skill levels gained and cost per
    level gained (value_for_money). Executives: a unit of 1 to 4 people, or whose spend is 1 to 4
    people's purchases, is hidden, with the complements that keep it from being a parent minus its
    shown children (on the people, as the other pages hide units; on the spend, as every spend figure)."""
    units = run(con, "select * from value_for_money(year_start($as_of), $as_of)", as_of=as_of)
    departments = hide.team_departments(con)
    node = _node(con, unit)
    if node[0] == "company":
        kinds, names = ("company", "department"), None
    elif node[0] == "department":
        kinds, names = ("department", "team"), {unit, *(t for t, d in departments.items() if d == unit)}
    else:
        kinds, names = ("team",), {unit}
    order = {"company": 0, "department": 1, "team": 2}
    frame = (
        units.filter(pl.col("unit_type").is_in(kinds) & (pl.lit(names is None) | pl.col("unit").is_in(names or [])))
        .with_columns(pl.col("unit_type").replace_strict(order, return_dtype=pl.Int8).alias("_level"))
        .sort("_level", "unit")
        .drop("_level")
    )
    sizes = units.select("unit_type", "unit", pl.col("people").alias("size"))
    by_people = {
        (r["unit_type"], r["unit"])
        for r in hide.protect_tree(sizes, [], departments).iter_rows(named=True)
        if r[hide.TREE_FLAG]
    }
    by_spend = _hidden_spend(con, as_of)
    flags = [
        (t, u) in by_people or (t, u, "total", "", "") in by_spend
        for t, u in frame.select("unit_type", "unit").iter_rows()
    ]
    return frame.with_columns(pl.Series(hide.TREE_FLAG, flags, dtype=pl.Boolean))
