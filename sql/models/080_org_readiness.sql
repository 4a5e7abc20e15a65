-- Readiness(org unit, D): over every (employee, required skill) pair in the unit,
-- the weighted share that is met. One row per unit at each level of the tree.
-- The pairs are first summed per person and date, so each unit adds up people, not pairs.
create or replace macro org_readiness_on(dates, root := null, org_unit := null) as table
with pairs as (
    select * from requirement_status_on(dates, root := root, org_unit := org_unit)
),
people as (
    select
        as_of,
        employee_id,
        any_value(team) as team,
        any_value(department) as department,
        count(*) as pairs,
        count(*) filter (where met) as met_pairs,
        sum(weight) as weight_total,
        sum(weight) filter (where met) as weight_met
    from pairs
    group by as_of, employee_id
),
units as (
    select 'company' as unit_type, 'company' as unit, * from people
    union all
    select 'department', department, * from people where department is not null
    union all
    select 'team', team, * from people where team is not null
),
final as (
    select
        as_of,
        unit_type,
        unit,
        cast(sum(pairs) as bigint) as pairs,
        cast(sum(met_pairs) as bigint) as met_pairs,
        count(*) as headcount,
        sum(weight_total) as weight_total,
        coalesce(sum(weight_met), 0) as weight_met,
        coalesce(sum(weight_met), 0) / nullif(sum(weight_total), 0) as readiness
    from units
    group by as_of, unit_type, unit
)
select * from final;

create or replace macro org_readiness(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from org_readiness_on([cast(as_of as date)], root := root, org_unit := org_unit);
