-- Spend lines converted to the reporting currency with the FX rate of the spend's
-- month, attributed to a team (the line's own team, else the employee's) and department.
create or replace view spend_reporting as
with lines as (
    select * from spend
),
people as (
    select employee_id, team from employees
),
rates as (
    select
        l.*,
        case when l.currency = (select value from settings where key = 'reporting_currency') then 1.0 end as own_rate
    from lines as l
),
converted as (
    select
        r.* exclude (own_rate),
        coalesce(r.own_rate, f.rate) as fx_rate
    from rates as r
    asof left join fx as f
      on f.currency = r.currency and date_trunc('month', r.date) >= f.month
),
final as (
    select
        c.* exclude (fx_rate, team),
        coalesce(c.team, p.team) as team,
        t.department,
        c.fx_rate,
        cast(c.amount as double) * c.fx_rate as amount_reporting
    from converted as c
    left join people as p on p.employee_id = c.employee_id
    left join teams as t on t.team = coalesce(c.team, p.team)
)
select * from final;
