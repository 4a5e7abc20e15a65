-- Who a strategic goal counts, on each of a list of dates: the active employees in its
-- scope (the whole company, a department or a team), only those in the listed roles when
-- it names any. The one definition of a goal's population: goal shares, goal readiness,
-- the people not there yet and the planner's goal gaps all read it.
--
-- counts_in_goal: whether a goal (its scope and roles) counts a person (their department,
-- team and role); goal_share_by_unit_on asks it of a range of days rather than of dates.
create or replace macro counts_in_goal(goal_scope, goal_roles, department, team, role) as
    (goal_scope = 'company' or goal_scope = department or goal_scope = team)
    and (goal_roles is null or array_length(goal_roles) = 0 or list_contains(goal_roles, role));

create or replace macro goal_population_on(dates, root := null, org_unit := null) as table
with people as (
    select * from active_employees_on(dates, root := root, org_unit := org_unit)
),

final as (
    select
        p.as_of,
        g.goal_id,
        g.skill,
        g.min_level,
        g.target_share,
        g.deadline,
        p.employee_id,
        p.full_name,
        p.email,
        p.role,
        p.team,
        p.department,
        p.hire_date,
        p.leave_date
    from goals as g
    inner join people as p
      on counts_in_goal(g.scope, g.roles, p.department, p.team, p.role)
)

select * from final;

create or replace macro goal_population(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from goal_population_on([cast(as_of as date)], root := root, org_unit := org_unit);
