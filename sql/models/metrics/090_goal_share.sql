-- A strategic goal's population on each date (goal_population_on's rule) and how many of
-- them hold the skill at min_level: the goal's share.
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
--
-- goal_share_by_unit_on: per goal, team and department (as the roster has them now) on each
-- date, the population and the people at the level, counted without listing the members date
-- by date (a trajectory of many dates costs about one): each member joins the population when
-- hired and leaves it the day after the leave date, and counts at the level while a level span
-- at or above min_level lasts and they are employed (skill_level_spans: one span at a time per
-- person and skill). Each change is counted in the first listed date on or after its day, and
-- running sums over the dates give each date's counts (as org_readiness_on does).
create or replace macro goal_share_by_unit_on(dates, root := null, org_unit := null) as table
with days as (
    select distinct cast(listed_day as date) as as_of from (select unnest(dates) as listed_day) as listed
),

scope as (
    select employee_id from reporting_tree(root)
),

span as (
    select min(as_of) as first_day, max(as_of) as last_day from days
),

-- active_employees_on's rule as a range of days: from the hire date to the leave date, included
-- (a range that ends by the first date or starts after the last changes no date's counts: left out)
people as (
    select
        e.employee_id,
        e.role,
        e.team,
        e.department,
        coalesce(e.hire_date, date '0001-01-01') as active_from,
        coalesce(e.leave_date + 1, date '9999-12-31') as active_until
    from employees as e
    where (root is null or e.employee_id in (select employee_id from scope))
      and (org_unit is null or org_unit = 'company' or e.department = org_unit or e.team = org_unit)
      and coalesce(e.leave_date + 1, date '9999-12-31') > coalesce(e.hire_date, date '0001-01-01')
      and coalesce(e.hire_date, date '0001-01-01') <= (select last_day from span)
      and coalesce(e.leave_date + 1, date '9999-12-31') > (select first_day from span)
),

-- goal_population_on's rule (counts_in_goal): the goal's scope, and its roles when it names any
members as (
    select g.goal_id, g.skill, g.min_level, p.employee_id, p.team, p.department, p.active_from, p.active_until
    from goals as g
    inner join people as p
      on counts_in_goal(g.scope, g.roles, p.department, p.team, p.role)
),

at_level as (
    select
        m.goal_id,
        m.team,
        m.department,
        greatest(s.valid_from, m.active_from) as met_from,
        least(coalesce(s.valid_until, date '9999-12-31'), m.active_until) as met_until
    from members as m
    inner join skill_level_spans as s
      on m.employee_id = s.employee_id and m.skill = s.skill and m.min_level <= s.level
    where m.min_level > 0
      and s.valid_from <= (select last_day from span)
      and coalesce(s.valid_until, date '9999-12-31') > (select first_day from span)
),

changes as (
    select goal_id, team, department, active_from as day, 1 as population,
           case when min_level <= 0 then 1 else 0 end as meeting
    from members
    union all
    select goal_id, team, department, active_until, -1, case when min_level <= 0 then -1 else 0 end from members
    union all
    select goal_id, team, department, met_from, 0, 1 from at_level where met_until > met_from
    union all
    select goal_id, team, department, met_until, 0, -1 from at_level where met_until > met_from
),

-- each day on which something changes, and the first listed date on or after it
buckets as (
    select c.day, min(d.as_of) as as_of
    from (select distinct day from changes) as c
    inner join days as d on c.day <= d.as_of
    group by c.day
),

groups as (
    select distinct goal_id, team, department from changes
),

per_date as (
    select goal_id, team, department, as_of, sum(population) as population, sum(meeting) as meeting
    from (
        select c.goal_id, c.team, c.department, b.as_of, c.population, c.meeting
        from changes as c
        inner join buckets as b on c.day = b.day
        union all
        select g.goal_id, g.team, g.department, d.as_of, 0, 0
        from groups as g cross join days as d
    ) as series
    group by goal_id, team, department, as_of
),

final as (
    select
        as_of,
        goal_id,
        team,
        department,
        cast(sum(population) over w as bigint) as population,
        cast(sum(meeting) over w as bigint) as meeting
    from per_date
    window w as (
        partition by goal_id, team, department order by as_of rows between unbounded preceding and current row
    )
)

select * from final
where population > 0;

-- Every goal on each date: its population and the people at its level (goal_share_by_unit_on
-- added up), and their share (no value while nobody is in the population).
create or replace macro goal_share_on(dates, root := null, org_unit := null) as table
with days as (
    select distinct cast(listed_day as date) as as_of from (select unnest(dates) as listed_day) as listed
),

counted as (
    select as_of, goal_id, sum(population) as population, sum(meeting) as meeting
    from goal_share_by_unit_on(dates, root := root, org_unit := org_unit)
    group by as_of, goal_id
),

final as (
    select
        d.as_of,
        g.goal_id,
        coalesce(cast(c.population as bigint), 0) as population,
        coalesce(cast(c.meeting as bigint), 0) as meeting,
        case when c.population > 0 then cast(c.meeting as bigint) / cast(c.population as bigint) end as share
    from goals as g
    cross join days as d
    left join counted as c on g.goal_id = c.goal_id and d.as_of = c.as_of
)

select * from final;

-- One date: the goal's population listed (goal_population_on) and each member's level on the date
-- (skill_level_spans), which costs less than the changes of every day for a single date; the same
-- numbers as goal_share_on on that date (tests/test_metrics.py checks both agree).
create or replace macro goal_share(as_of, root := null, org_unit := null) as table
with members as (
    select goal_id, skill, min_level, employee_id
    from goal_population_on([cast(as_of as date)], root := root, org_unit := org_unit)
),

population as (
    select
        m.goal_id,
        m.employee_id,
        coalesce(s.level, 0) >= m.min_level as meets
    from members as m
    left join skill_level_spans as s
      on m.employee_id = s.employee_id
     and m.skill = s.skill
     and cast(as_of as date) >= s.valid_from
     and (s.valid_until is null or cast(as_of as date) < s.valid_until)
),

final as (
    select
        g.goal_id,
        count(p.employee_id) as population,
        count(p.employee_id) filter (where p.meets) as meeting,
        case when count(p.employee_id) > 0
             then count(p.employee_id) filter (where p.meets) / count(p.employee_id) end as share
    from goals as g
    left join population as p on g.goal_id = p.goal_id
    group by g.goal_id
)

select * from final;
