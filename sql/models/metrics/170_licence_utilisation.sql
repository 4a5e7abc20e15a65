-- Licence utilisation on a date: distinct employees active on the vendor's platform
-- in the last 30 days (up to and including the date) over the seats bought from it
-- under the licences running on that date. Idle seats: seats nobody used.
create or replace macro licence_utilisation(as_of) as table
with running as (
    select vendor, cast(sum(seats) as bigint) as seats,
           sum(in_reporting_currency(l.cost, l.currency, l.start_date)) as cost
    from licences as l
    where start_date <= cast(as_of as date) and cast(as_of as date) <= end_date
    group by vendor
),

users as (
    select vendor, count(distinct employee_id) as active_users
    from learning_activity
    where activity_date > cast(as_of as date) - 30 and activity_date <= cast(as_of as date)
    group by vendor
),

final as (
    select
        r.vendor,
        r.seats,
        coalesce(u.active_users, 0) as active_users,
        coalesce(u.active_users, 0) / r.seats as utilisation,
        greatest(r.seats - coalesce(u.active_users, 0), 0) as idle_seats,
        r.cost
    from running as r
    left join users as u on r.vendor = u.vendor
)

select * from final;
