-- Budget utilisation for the budget period containing the date: actual spend from
-- the period start up to and including the date, in the reporting currency (FX of
-- the spend's month), over the budget (FX of the period's first month).
-- A spend line whose currency has no rate is not converted: it is counted in
-- unconverted_lines, and while any line of the budget is unconverted the utilisation
-- is unknown (null), never a silently lower share; actual is then what was converted.
-- projected: the run rate to the period end, spend so far / days elapsed x days in the
-- period (the rule of spend_projection, over the budget's own period); over_budget: the
-- projection exceeds the budget (null while the utilisation is unknown).
create or replace macro budget_utilisation(as_of) as table
with periods as (
    select * from budgets
    where period_start <= cast(as_of as date) and cast(as_of as date) <= period_end
),

lines as (
    select * from spend_reporting
),

budget_rc as (
    select
        b.unit,
        b.period_start,
        b.period_end,
        in_reporting_currency(b.amount, b.currency, b.period_start) as budget
    from periods as b
),

totals as (
    select
        b.unit,
        b.period_start,
        b.period_end,
        b.budget,
        coalesce(sum(l.amount_reporting), 0) as actual,
        count(l.date) filter (where l.fx_rate is null) as unconverted_lines
    from budget_rc as b
    left join lines as l
      on l.date between b.period_start and cast(as_of as date)
     and (b.unit = 'company' or b.unit = l.team or b.unit = l.department)
    group by b.unit, b.period_start, b.period_end, b.budget
),

final as (
    select
        unit,
        period_start,
        period_end,
        budget,
        actual,
        case when unconverted_lines = 0 then actual / nullif(budget, 0) end as utilisation,
        unconverted_lines,
        run_rate(actual, period_start, as_of, period_end) as projected,
        case
            when unconverted_lines = 0 then run_rate(actual, period_start, as_of, period_end) > budget
        end as over_budget
    from totals
)

select * from final;
