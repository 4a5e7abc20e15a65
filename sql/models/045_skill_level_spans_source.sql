-- Each employee's level in each skill as a step function of time: date ranges
-- [valid_from, valid_until) over which the highest level among their valid evidence
-- is constant (valid_until null: open-ended; no row where no evidence is valid).
-- Metrics that replay many dates read one row per person, skill and date from it
-- instead of every piece of evidence. The table `skill_level_spans` holds this view's
-- rows, refreshed together with `evidence` (etl.warehouse.refresh_evidence).
--
-- How: for each level L held, the union of the ranges of evidence at L or above is a
-- set of disjoint islands; the ranges between consecutive island ends are the pieces,
-- and a piece's level is the highest L whose island covers it.
-- skill_level_spans_of(people) computes the rows of a list of employee ids (null: everyone);
-- the list filters the evidence first, so refreshing a few people reads only their evidence.
create or replace macro skill_level_spans_of(people) as table
with ranges as (
    select employee_id, skill, level, valid_from, coalesce(valid_until, date '9999-12-31') as valid_until
    from evidence
    where (valid_until is null or valid_until > valid_from)
      and (people is null or employee_id in (select unnest(people)))
),
levels_held as (
    select distinct employee_id, skill, level from ranges
),
at_least as (
    select h.level as threshold, r.employee_id, r.skill, r.valid_from, r.valid_until
    from ranges as r
    join levels_held as h on h.employee_id = r.employee_id and h.skill = r.skill and h.level <= r.level
),
reach as (
    select *,
           max(valid_until) over (partition by employee_id, skill, threshold order by valid_from, valid_until
                                  rows between unbounded preceding and 1 preceding) as reached
    from at_least
),
numbered as (
    select *, sum(case when reached is null or valid_from > reached then 1 else 0 end)
                  over (partition by employee_id, skill, threshold order by valid_from, valid_until
                        rows between unbounded preceding and current row) as island
    from reach
),
islands as (
    select employee_id, skill, threshold, min(valid_from) as island_from, max(valid_until) as island_until
    from numbered
    group by employee_id, skill, threshold, island
),
bounds as (
    select employee_id, skill, island_from as day from islands
    union
    select employee_id, skill, island_until from islands
),
pieces as (
    select employee_id, skill, day as piece_from,
           lead(day) over (partition by employee_id, skill order by day) as piece_until
    from bounds
),
final as (
    select p.employee_id, p.skill, max(i.threshold) as level, p.piece_from as valid_from,
           nullif(p.piece_until, date '9999-12-31') as valid_until
    from pieces as p
    join islands as i
      on i.employee_id = p.employee_id and i.skill = p.skill
     and i.island_from <= p.piece_from and p.piece_from < i.island_until
    where p.piece_until is not null
    group by p.employee_id, p.skill, p.piece_from, p.piece_until
)
select * from final;

create or replace view skill_level_spans_source as
select * from skill_level_spans_of(null);
