-- Readiness(org unit, D): over every (employee, required skill) pair in the unit,
-- the weighted share that is met. One row per unit at each level of the tree.
create or replace macro org_readiness_on(dates, root := null, org_unit := null) as table
with pairs as (
    select * from requirement_status_on(dates, root := root, org_unit := org_unit)
),
units as (
    select 'company' as unit_type, 'company' as unit, * from pairs
    union all
    select 'department', department, * from pairs where department is not null
    union all
    select 'team', team, * from pairs where team is not null
),
final as (
    select
        as_of,
        unit_type,
        unit,
        count(*) as pairs,
        count(*) filter (where met) as met_pairs,
        count(distinct employee_id) as headcount,
        sum(weight) as weight_total,
        coalesce(sum(weight) filter (where met), 0) as weight_met,
        coalesce(sum(weight) filter (where met), 0) / nullif(sum(weight), 0) as readiness
    from units
    group by as_of, unit_type, unit
)
select * from final;

create or replace macro org_readiness(as_of, root := null, org_unit := null) as table
select * exclude (as_of) from org_readiness_on([cast(as_of as date)], root := root, org_unit := org_unit);
