-- Year to date: from the first day of the calendar year of the date up to and including
-- the date. The one definition behind "spent this year", the monthly spend, the vendor
-- breakdown, cost per completion this year and the year-end projection.
create or replace macro year_start(as_of) as
cast(date_trunc('year', cast(as_of as date)) as date);

-- The run rate to a period's end: spend from period_start up to and including as_of, over
-- the days elapsed, times the days of the period (the year-end projection and each
-- budget's projection).
create or replace macro run_rate(amount, period_start, as_of, period_end) as
amount / (date_diff('day', period_start, cast(as_of as date)) + 1)
* (date_diff('day', period_start, period_end) + 1);

-- Spend lines of the year to date in the reporting currency (spend_reporting), for an
-- org unit ('company' or null: all; else the line's department or team).
create or replace macro spend_year_to_date(as_of, org_unit := null) as table
select *
from spend_reporting
where date between year_start(as_of) and cast(as_of as date)
  and (org_unit is null or org_unit = 'company' or team = org_unit or department = org_unit);

-- Spend so far this year and the run-rate projection to the year end:
-- spend so far / days elapsed x days in the year.
create or replace macro spend_projection(as_of, org_unit := null) as table
with ytd as (
    select coalesce(sum(amount_reporting), 0) as spend
    from spend_year_to_date(as_of, org_unit := org_unit)
),

days as (
    select
        dayofyear(cast(as_of as date)) as elapsed,
        dayofyear(make_date(year(cast(as_of as date)), 12, 31)) as in_year,
        make_date(year(cast(as_of as date)), 12, 31) as year_end_date
),

final as (
    select y.spend as ytd, y.spend / d.elapsed * d.in_year as year_end, d.year_end_date
    from ytd as y
    cross join days as d
)

select * from final;
