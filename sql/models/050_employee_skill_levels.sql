-- Level of employee e in skill s on date D: the highest level among e's evidence
-- for s valid on D (valid_from <= D < valid_until). Inactive employees have no rows.
create or replace macro employee_skill_levels(as_of) as table
with people as (
    select employee_id from active_employees(as_of)
),
valid as (
    select employee_id, skill, level
    from evidence
    where valid_from <= cast(as_of as date)
      and (valid_until is null or cast(as_of as date) < valid_until)
),
final as (
    select v.employee_id, v.skill, max(v.level) as level
    from valid as v
    semi join people as p on p.employee_id = v.employee_id
    group by v.employee_id, v.skill
)
select * from final;
