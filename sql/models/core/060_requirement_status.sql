-- Every (active employee, required skill) pair on each date: required level,
-- held level, met or not, and the gap (levels still missing). The base of coverage and readiness.
-- The held level is employee_skill_levels_on's, read for the required skills only.
create or replace macro requirement_status_on(dates, root := null, org_unit := null) as table
with people as (
    select as_of, employee_id, full_name, role, team, department
    from active_employees_on(dates, root := root, org_unit := org_unit)
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
        coalesce(s.level, 0) as level,
        coalesce(s.level, 0) >= r.required_level as met,
        greatest(r.required_level - coalesce(s.level, 0), 0) as gap
    from people as p
    inner join requirements as r on p.role = r.role
    left join skill_level_spans as s
      on p.employee_id = s.employee_id
     and r.skill = s.skill
     and p.as_of >= s.valid_from
     and (s.valid_until is null or p.as_of < s.valid_until)
)

select * from final;

create or replace macro requirement_status(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from requirement_status_on([cast(as_of as date)], root := root, org_unit := org_unit);
