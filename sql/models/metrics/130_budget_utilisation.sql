-- Budget utilisation for the budget period containing the date: actual spend from
-- the period start up to and including the date, in the reporting currency (FX of
-- the spend's month), over the budget (FX of the period's first month).
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

final as (
    select
        b.unit,
        b.period_start,
        b.period_end,
        b.budget,
        coalesce(sum(l.amount_reporting), 0) as actual,
        coalesce(sum(l.amount_reporting), 0) / nullif(b.budget, 0) as utilisation
    from budget_rc as b
    left join lines as l
      on l.date between b.period_start and cast(as_of as date)
     and (b.unit = 'company' or b.unit = l.team or b.unit = l.department)
    group by b.unit, b.period_start, b.period_end, b.budget
)

select * from final;
