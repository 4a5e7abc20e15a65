-- Every (active employee, required skill) pair on a date: required level, held level, met or not.
create or replace macro requirement_status(as_of) as table
with people as (
    select employee_id, full_name, role, team, department from active_employees(as_of)
),
levels as (
    select * from employee_skill_levels(as_of)
),
final as (
    select
        p.employee_id,
        p.full_name,
        p.role,
        p.team,
        p.department,
        r.skill,
        r.required_level,
        r.weight,
        coalesce(l.level, 0) as level,
        coalesce(l.level, 0) >= r.required_level as met
    from people as p
    join requirements as r on r.role = p.role
    left join levels as l on l.employee_id = p.employee_id and l.skill = r.skill
)
select * from final;
