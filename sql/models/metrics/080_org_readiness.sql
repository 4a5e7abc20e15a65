-- Readiness(org unit, D): over every (employee, required skill) pair in the unit,
-- the weighted share that is met. One row per unit at each level of the tree.
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
--
-- The pairs are those of requirement_status_on (active employees of the scope, the
-- requirements of their role, met when the level held reaches the required level),
-- counted without listing them date by date, so that a 36-month trend costs about as
-- much as one date: each person adds their role's pairs and weights while employed
-- (from the hire date to the day after the leave date), and each met pair its weight
-- while the level is held and the person employed (skill_level_spans). The totals of a
-- date are the sums of the changes on or before it: each change is counted in the first
-- listed date on or after its day (changes after the last date count in none), per team
-- first, then rolled up to the departments and the company, and running sums over the
-- dates give each date's totals. Weights are summed as decimals, so the totals do not
-- depend on the order of the additions.
create or replace macro org_readiness_on(dates, root := null, org_unit := null) as table
with days as (
    select distinct cast(listed_day as date) as as_of from (select unnest(dates) as listed_day) as listed
),

scope as (
    select employee_id from reporting_tree(root)
),

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
),

role_totals as (
    select role, count(*) as pairs, sum(cast(weight as decimal(38, 10))) as weight_total
    from requirements
    group by role
),

met as (
    select
        p.employee_id,
        p.team,
        p.department,
        cast(r.weight as decimal(38, 10)) as weight,
        greatest(s.valid_from, p.active_from) as met_from,
        least(coalesce(s.valid_until, date '9999-12-31'), p.active_until) as met_until
    from people as p
    inner join requirements as r on p.role = r.role
    inner join skill_level_spans as s
      on p.employee_id = s.employee_id and r.skill = s.skill and r.required_level <= s.level
),

changes as (
    select p.team, p.department, p.active_from as day, t.pairs, t.weight_total, 1 as headcount,
           0 as met_pairs, cast(0 as decimal(38, 10)) as weight_met
    from people as p inner join role_totals as t on p.role = t.role
    union all
    select p.team, p.department, p.active_until, -t.pairs, -t.weight_total, -1, 0, 0
    from people as p inner join role_totals as t on p.role = t.role
    union all
    select team, department, met_from, 0, 0, 0, 1, weight from met where met_until > met_from
    union all
    select team, department, met_until, 0, 0, 0, -1, -weight from met where met_until > met_from
),

-- each day on which something changes, and the first listed date on or after it
buckets as (
    select c.day, min(d.as_of) as as_of
    from (select distinct day from changes) as c
    inner join days as d on c.day <= d.as_of
    group by c.day
),

team_changes as (
    select c.team, c.department, b.as_of, sum(c.pairs) as pairs, sum(c.weight_total) as weight_total,
           sum(c.headcount) as headcount, sum(c.met_pairs) as met_pairs, sum(c.weight_met) as weight_met
    from changes as c
    inner join buckets as b on c.day = b.day
    group by c.team, c.department, b.as_of
),

unit_changes as (
    select 'company' as unit_type, 'company' as unit, * exclude (team, department) from team_changes
    union all
    select 'department', department, * exclude (team, department) from team_changes where department is not null
    union all
    select 'team', team, * exclude (team, department) from team_changes where team is not null
),

units as (
    select distinct unit_type, unit from unit_changes
),

per_date as (
    select unit_type, unit, as_of, sum(pairs) as pairs, sum(weight_total) as weight_total,
           sum(headcount) as headcount, sum(met_pairs) as met_pairs, sum(weight_met) as weight_met
    from (
        select * from unit_changes
        union all
        select u.unit_type, u.unit, d.as_of, 0, 0, 0, 0, 0
        from units as u cross join days as d
    ) as series
    group by unit_type, unit, as_of
),

running as (
    select unit_type, unit, as_of,
           sum(pairs) over w as pairs,
           sum(weight_total) over w as weight_total,
           sum(headcount) over w as headcount,
           sum(met_pairs) over w as met_pairs,
           sum(weight_met) over w as weight_met
    from per_date
    window w as (partition by unit_type, unit order by as_of rows between unbounded preceding and current row)
),

final as (
    select
        as_of,
        unit_type,
        unit,
        cast(pairs as bigint) as pairs,
        cast(met_pairs as bigint) as met_pairs,
        cast(headcount as bigint) as headcount,
        cast(weight_total as double) as weight_total,
        cast(weight_met as double) as weight_met,
        cast(weight_met as double) / nullif(cast(weight_total as double), 0) as readiness
    from running
    where pairs > 0
)

select * from final;

create or replace macro org_readiness(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from org_readiness_on([cast(as_of as date)], root := root, org_unit := org_unit);
