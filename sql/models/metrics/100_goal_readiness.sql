-- Strategic goals on a date: share now, target, a projection to the deadline with an
-- uncertainty band, the pace needed against the pace achieved, and the status.
-- Levels count only the evidence L&D's policy counts (evidence_policy, config/evidence.toml;
-- by default a credential whose proof failed never counts, an unverified one counts, flagged).
--
-- Projection "pace of the last 180 days + enrolments - expiries, 80% band", per goal,
-- over the goal's population on the date (assumed to stay as it is until the deadline):
--   P  the population, M the people at the goal's level now (as goal_share counts them),
--   h  days from the date to the deadline, L = 180 days of history;
--   k  arrivals in the last L days: a member reaching the level (a piece of evidence at
--      or above it that starts, while they are employed, on a day they did not hold it
--      the day before) - the historical pace of evidence is k / L per day;
--   E  members at the level now whose evidence at that level all lapses on or before
--      the deadline (they fall out unless they renew, which the pace covers);
--   I  members below the level with an open enrolment (enrolled or in progress, dated
--      in the last L days, no outcome of that course since) in a course teaching it;
--   p  of all records of those courses dated in the last L days, the share that are
--      passes (completed or passed): the chance an open enrolment ends in evidence.
-- Expected people at the level on the deadline: m = M - E + p*I + k*h/L, clamped to 0..P.
-- Variance: k*(h/L)*(1 + h/L) for the arrivals (a Poisson count whose rate is itself
-- estimated from k events: negative binomial) plus I*p*(1 - p) for the enrolments
-- (binomial). Band: m -/+ 1.2816 standard deviations (10th to 90th percentile, normal
-- approximation), clamped to 0..P. Shares are these counts over P.
-- pace_per_month = k / L * 30.4375 people a month (the pace achieved);
-- pace_needed_per_month = (target * P - (M - E + p*I)) / h * 30.4375 (0 when nothing is needed).
-- Status: achieved: share >= target. off_track: the deadline has passed without reaching
-- the target, or even the band's high end misses it. on_track: the band's low end
-- reaches the target. at_risk: the target lies inside the band.
create or replace macro goal_readiness(as_of, root := null, org_unit := null) as table
with now_share as (
    select * from goal_share(as_of, root := root, org_unit := org_unit)
),

before_share as (
    select * from goal_share(cast(as_of as date) - 90, root := root, org_unit := org_unit)
),

members as (
    select goal_id, skill, min_level, deadline, employee_id, hire_date
    from goal_population(as_of, root := root, org_unit := org_unit)
),

qualifying as (
    select m.goal_id, m.employee_id, m.hire_date, v.valid_from, v.valid_until
    from members as m
    inner join evidence as v
      on m.employee_id = v.employee_id and m.skill = v.skill and m.min_level <= v.level
    where v.valid_from <= cast(as_of as date)
),

held_now as (
    select goal_id, employee_id, max(coalesce(valid_until, date '9999-12-31')) as held_until
    from qualifying
    where valid_until is null or valid_until > cast(as_of as date)
    group by goal_id, employee_id
),

arrivals as (
    select q.goal_id, count(distinct(q.employee_id, q.valid_from)) as arrivals
    from qualifying as q
    where q.valid_from > cast(as_of as date) - 180
      and (q.hire_date is null or q.valid_from >= q.hire_date)
      and not exists (
          select 1 from qualifying as b
          where b.goal_id = q.goal_id and b.employee_id = q.employee_id
            and b.valid_from < q.valid_from
            and (b.valid_until is null or b.valid_until >= q.valid_from))
    group by q.goal_id
),

expiring as (
    select h.goal_id, count(*) as expiring
    from held_now as h
    inner join goals as g on h.goal_id = g.goal_id
    where h.held_until <= g.deadline
    group by h.goal_id
),

teaching as (
    select g.goal_id, cs.course_id
    from goals as g
    inner join course_skills as cs on g.skill = cs.skill and g.min_level <= cs.level
),

recent as (
    select t.goal_id, c.employee_id, c.course_id, c.status, cast(c.completed_at as date) as day
    from teaching as t
    inner join completions as c on t.course_id = c.course_id
    where c.completed_at >= cast(as_of as date) - 179  -- the 180 days up to and including as_of
      and c.completed_at < cast(as_of as date) + 1
),

pass_rates as (
    select goal_id, count(*) filter (where status in ('completed', 'passed')) / count(*) as pass_rate
    from recent
    group by goal_id
),

enrolments as (
    select r.goal_id, count(distinct r.employee_id) as enrolled
    from recent as r
    inner join members as m on r.goal_id = m.goal_id and r.employee_id = m.employee_id
    where r.status in ('enrolled', 'in_progress')
      and not exists (select 1 from held_now as h where h.goal_id = r.goal_id and h.employee_id = r.employee_id)
      and not exists (
          select 1 from recent as o
          where o.goal_id = r.goal_id and o.employee_id = r.employee_id and o.course_id = r.course_id
            and o.status in ('completed', 'passed', 'failed') and o.day >= r.day)
    group by r.goal_id
),

terms as (
    select
        g.goal_id,
        g.name,
        g.skill,
        g.min_level,
        g.scope,
        g.roles,
        g.deadline,
        n.population,
        n.meeting,
        n.share,
        g.target_share,
        b.share as share_90_days_before,
        greatest(date_diff('day', cast(as_of as date), g.deadline), 0) as days_left,
        coalesce(a.arrivals, 0) as arrivals_180_days,
        case when g.deadline > cast(as_of as date) then coalesce(x.expiring, 0) else 0 end as expiring_before_deadline,
        coalesce(e.enrolled, 0) as enrolled_in_progress,
        coalesce(r.pass_rate, 0e0) as pass_rate
    from goals as g
    inner join now_share as n on g.goal_id = n.goal_id
    left join before_share as b on g.goal_id = b.goal_id
    left join arrivals as a on g.goal_id = a.goal_id
    left join expiring as x on g.goal_id = x.goal_id
    left join enrolments as e on g.goal_id = e.goal_id
    left join pass_rates as r on g.goal_id = r.goal_id
),

-- Fractional constants are written as doubles (180e0): a bare 180.0 is a DECIMAL, which Spark
-- carries through the arithmetic at a fixed scale and rounds.
expected as (
    select
        *,
        meeting - expiring_before_deadline + pass_rate * enrolled_in_progress as committed,
        arrivals_180_days * days_left / 180e0 as expected_arrivals,
        sqrt(arrivals_180_days * (days_left / 180e0) * (1 + days_left / 180e0)
             + enrolled_in_progress * pass_rate * (1 - pass_rate)) as sd
    from terms
),

projected as (
    select
        *,
        case when population = 0 then null
             when days_left = 0 then share
             else least(greatest(committed + expected_arrivals, 0), population) / population
        end as projected_share,
        case when population = 0 then null
             when days_left = 0 then share
             else least(greatest(committed + expected_arrivals - 1.2816e0 * sd, 0), population) / population
        end as projected_low,
        case when population = 0 then null
             when days_left = 0 then share
             else least(greatest(committed + expected_arrivals + 1.2816e0 * sd, 0), population) / population
        end as projected_high,
        arrivals_180_days / 180e0 * 30.4375e0 as pace_per_month,
        case when population > 0 and days_left > 0
             then greatest(target_share * population - committed, 0) / days_left * 30.4375e0
        end as pace_needed_per_month
    from expected
),

final as (
    select
        goal_id,
        name,
        skill,
        min_level,
        scope,
        roles,
        deadline,
        population,
        meeting,
        share,
        target_share,
        target_share - share as gap,
        share_90_days_before,
        projected_share,
        projected_low,
        projected_high,
        pace_per_month,
        pace_needed_per_month,
        arrivals_180_days,
        expiring_before_deadline,
        enrolled_in_progress,
        pass_rate,
        days_left,
        'pace of the last 180 days + enrolments - expiries, 80% band' as projection_method,
        case
            when share is null then null
            when share >= target_share then 'achieved'
            when days_left = 0 then 'off_track'
            when projected_low >= target_share then 'on_track'
            when projected_high >= target_share then 'at_risk'
            else 'off_track'
        end as status
    from projected
)

select * from final;
