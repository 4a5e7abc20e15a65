-- Spend lines converted to the reporting currency with the FX rate of the spend's
-- month (fx_rate, staging/015_reporting_fx.sql), attributed to a team (the line's own team, else the employee's) and department.
create or replace view spend_reporting as
with lines as (
    select * from spend
),

people as (
    select employee_id, team from employees
),

-- fx_rate's rule as one join for every line (reporting_fx holds one row per currency and month:
-- its key), not a lookup per line
converted as (
    select l.*, f.rate as fx_rate
    from lines as l
    left join reporting_fx as f
        on l.currency = f.currency and fx_applies(f.valid_from, f.valid_until, l.date)
),

final as (
    select
        c.* exclude (fx_rate, team),
        coalesce(c.team, p.team) as team,
        t.department,
        c.fx_rate,
        cast(c.amount as double) * c.fx_rate as amount_reporting
    from converted as c
    left join people as p on c.employee_id = p.employee_id
    left join teams as t on t.team = coalesce(c.team, p.team)
)

select * from final;
