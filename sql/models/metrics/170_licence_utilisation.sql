-- Licence utilisation on a date: distinct employees active on the vendor's platform
-- in the last 30 days (up to and including the date) over the seats bought from it
-- under the licences running on that date. Idle seats: seats nobody used.
-- cost: the running licences' cost in the reporting currency (licence_costs: the lines
-- that pay for them, each at its month's FX rate), unknown while any of them is;
-- term_start, term_end: the first start and the last end of those licences.
create or replace macro licence_utilisation(as_of) as table
with running as (
    select vendor, cast(sum(seats) as bigint) as seats,
           case when count(*) = count(cost_reporting) then sum(cost_reporting) end as cost,
           min(start_date) as term_start, max(end_date) as term_end
    from licence_costs
    where start_date <= cast(as_of as date) and cast(as_of as date) <= end_date
    group by vendor
),

users as (
    select vendor, count(distinct employee_id) as active_users
    from learning_activity
    -- the 30 days up to and including as_of as a range of activity_at (a filter the scan of the records applies)
    where activity_at >= cast(as_of as date) - 29 and activity_at < cast(as_of as date) + 1
    group by vendor
),

final as (
    select
        r.vendor,
        r.seats,
        coalesce(u.active_users, 0) as active_users,
        coalesce(u.active_users, 0) / r.seats as utilisation,
        greatest(r.seats - coalesce(u.active_users, 0), 0) as idle_seats,
        r.cost,
        r.term_start,
        r.term_end
    from running as r
    left join users as u on r.vendor = u.vendor
)

select * from final;
