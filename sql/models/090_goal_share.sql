-- A strategic goal's population on a date (active employees in its scope, only the
-- listed roles when it names any) and how many of them hold the skill at min_level.
create or replace macro goal_share(as_of) as table
with people as (
    select employee_id, role, team, department from active_employees(as_of)
),
levels as (
    select * from employee_skill_levels(as_of)
),
population as (
    select g.goal_id, p.employee_id, coalesce(l.level, 0) >= g.min_level as meets
    from goals as g
    join people as p
      on (g.scope = 'company' or p.department = g.scope or p.team = g.scope)
     and (g.roles is null or len(g.roles) = 0 or list_contains(g.roles, p.role))
    left join levels as l on l.employee_id = p.employee_id and l.skill = g.skill
),
final as (
    select
        g.goal_id,
        count(p.employee_id) as population,
        count(p.employee_id) filter (where p.meets) as meeting,
        case when count(p.employee_id) > 0
             then count(p.employee_id) filter (where p.meets) / count(p.employee_id) end as share
    from goals as g
    left join population as p on p.goal_id = g.goal_id
    group by g.goal_id
)
select * from final;
