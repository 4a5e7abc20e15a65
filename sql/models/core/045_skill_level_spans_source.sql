-- Each employee's level in each skill as a step function of time: date ranges
-- [valid_from, valid_until) over which the highest level among their valid evidence
-- is constant (valid_until null: open-ended; no row where no evidence is valid).
-- Metrics that replay many dates read one row per person, skill and date from it
-- instead of every piece of evidence. The table `skill_level_spans` holds this view's
-- rows, refreshed together with `evidence` (warehouse.refresh_evidence).
--
-- How: the days on which any piece of evidence starts or ends cut time into pieces; a
-- piece's level is the highest level among the evidence valid on its first day (no row
-- when none is); consecutive pieces at the same level are merged into one range.
-- skill_level_spans_of(people) computes the rows of a list of employee ids (null: everyone);
-- the list filters the evidence first, so refreshing a few people reads only their evidence.
-- A person's skill with one piece of evidence (most of them) is that piece's range as it is.
-- A skill whose pieces never end (most of the others: courses without a validity) has as its
-- level, on each day, the highest level that started by then: a span starts on each day that
-- raises it and runs until the next one. Only skills with pieces that end go through the
-- cutting and merging, whose windows cost most per partition.
create or replace macro skill_level_spans_of(people) as table
with all_ranges as (
    select employee_id, skill, level, valid_from, coalesce(valid_until, date '9999-12-31') as valid_until
    from evidence
    where (valid_until is null or valid_until > valid_from)
      and (people is null or employee_id in (select unnest(people)))
),

skills as (
    select employee_id, skill, count(*) as pieces, bool_and(valid_until = date '9999-12-31') as open_ended,
           any_value(level) as level, min(valid_from) as valid_from,
           nullif(max(valid_until), date '9999-12-31') as valid_until
    from all_ranges
    group by employee_id, skill
),

single_ranges as (
    select employee_id, skill, level, valid_from, valid_until from skills where pieces = 1
),

several as (
    select r.*, s.open_ended
    from all_ranges as r
    inner join skills as s on r.employee_id = s.employee_id and r.skill = s.skill
    where s.pieces > 1
),

open_days as (
    select employee_id, skill, valid_from, max(level) as level
    from several
    where open_ended
    group by employee_id, skill, valid_from
),

open_raises as (
    select *,
           max(level) over (partition by employee_id, skill order by valid_from
                            rows between unbounded preceding and 1 preceding) as level_before
    from open_days
),

open_spans as (
    select employee_id, skill, level, valid_from,
           lead(valid_from) over (partition by employee_id, skill order by valid_from) as valid_until
    from open_raises
    where level_before is null or level > level_before
),

ranges as (
    select employee_id, skill, level, valid_from, valid_until from several where not open_ended
),

bounds as (
    select employee_id, skill, valid_from as day from ranges
    union
    select employee_id, skill, valid_until from ranges
),

pieces as (
    select employee_id, skill, day as piece_from,
           lead(day) over (partition by employee_id, skill order by day) as piece_until
    from bounds
),

levelled as (
    select p.employee_id, p.skill, p.piece_from, p.piece_until, max(r.level) as level
    from pieces as p
    inner join ranges as r
      on p.employee_id = r.employee_id and p.skill = r.skill
     and p.piece_from >= r.valid_from and p.piece_from < r.valid_until
    where p.piece_until is not null
    group by p.employee_id, p.skill, p.piece_from, p.piece_until
),

marked as (
    select *,
           case when lag(piece_until) over w = piece_from and lag(level) over w = level then 0 else 1 end as starts
    from levelled
    window w as (partition by employee_id, skill order by piece_from)
),

grouped as (
    select *, sum(starts) over (partition by employee_id, skill order by piece_from
                                rows between unbounded preceding and current row) as span_no
    from marked
)

select employee_id, skill, level, min(piece_from) as valid_from,
       nullif(max(piece_until), date '9999-12-31') as valid_until
from grouped
group by employee_id, skill, level, span_no
union all
select employee_id, skill, level, valid_from, valid_until from open_spans
union all
select employee_id, skill, level, valid_from, valid_until from single_ranges;

create or replace view skill_level_spans_source as
select * from skill_level_spans_of(cast(null as varchar[]));
