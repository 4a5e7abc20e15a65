-- Spend lines converted to the reporting currency with the FX rate of the spend's
-- month (fx_rate, staging/015_reporting_fx.sql), attributed to a team (the line's own team, else the employee's) and department.
create or replace view spend_reporting as
with lines as (
    select * from spend
),

people as (
    select employee_id, team from employees
),

converted as (
    select l.*, fx_rate(l.currency, l.date) as fx_rate
    from lines as l
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
