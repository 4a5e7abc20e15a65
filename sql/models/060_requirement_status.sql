-- Every (active employee, required skill) pair on each date: required level,
-- held level, met or not. The base of coverage and readiness.
create or replace macro requirement_status_on(dates, root := null, org_unit := null) as table
with people as (
    select as_of, employee_id, full_name, role, team, department
    from active_employees_on(dates, root := root, org_unit := org_unit)
),
levels as (
    select * from employee_skill_levels_on(dates, root := root, org_unit := org_unit)
),
final as (
    select
        p.as_of,
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
    left join levels as l on l.as_of = p.as_of and l.employee_id = p.employee_id and l.skill = r.skill
)
select * from final;

create or replace macro requirement_status(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from requirement_status_on([cast(as_of as date)], root := root, org_unit := org_unit);
