-- Who a strategic goal counts, on each of a list of dates: the active employees in its
-- scope (the whole company, a department or a team), only those in the listed roles when
-- it names any. The one definition of a goal's population: goal shares, goal readiness,
-- the people not there yet and the planner's goal gaps all read it.
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
      on (g.scope = 'company' or g.scope = p.department or g.scope = p.team)
     and (g.roles is null or array_length(g.roles) = 0 or list_contains(g.roles, p.role))
)

select * from final;

create or replace macro goal_population(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from goal_population_on([cast(as_of as date)], root := root, org_unit := org_unit);
