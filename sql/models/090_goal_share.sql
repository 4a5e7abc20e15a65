-- A strategic goal's population on each date (active employees in its scope, only
-- the listed roles when it names any) and how many hold the skill at min_level.
create or replace macro goal_share_on(dates, root := null, org_unit := null) as table
with people as (
    select as_of, employee_id, role, team, department from active_employees_on(dates, root := root, org_unit := org_unit)
),
levels as (  -- employee_skill_levels_on's rows, for the skills of goals only
    select p.as_of, s.employee_id, s.skill, s.level
    from people as p
    join skill_level_spans as s
      on s.employee_id = p.employee_id
     and s.valid_from <= p.as_of
     and (s.valid_until is null or p.as_of < s.valid_until)
    where s.skill in (select skill from goals)
),
days as (
    select distinct cast(unnest(dates) as date) as as_of
),
population as (
    select p.as_of, g.goal_id, p.employee_id, coalesce(l.level, 0) >= g.min_level as meets
    from goals as g
    join people as p
      on (g.scope = 'company' or p.department = g.scope or p.team = g.scope)
     and (g.roles is null or len(g.roles) = 0 or list_contains(g.roles, p.role))
    left join levels as l on l.as_of = p.as_of and l.employee_id = p.employee_id and l.skill = g.skill
),
final as (
    select
        d.as_of,
        g.goal_id,
        count(p.employee_id) as population,
        count(p.employee_id) filter (where p.meets) as meeting,
        case when count(p.employee_id) > 0
             then count(p.employee_id) filter (where p.meets) / count(p.employee_id) end as share
    from goals as g
    cross join days as d
    left join population as p on p.goal_id = g.goal_id and p.as_of = d.as_of
    group by d.as_of, g.goal_id
)
select * from final;

create or replace macro goal_share(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from goal_share_on([cast(as_of as date)], root := root, org_unit := org_unit);
