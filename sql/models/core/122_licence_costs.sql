-- A licence's cost in the reporting currency: the one rule behind every place a licence's
-- cost appears (licence_utilisation, and through it the planner's seat price).
--
-- A licence costs what the spend lines that pay for it cost, each converted at the FX rate
-- of its own month (spend_reporting): the same amounts the spend figures add up, so a
-- licence paid this year counts the same in the vendor table and in the licence table.
-- A spend line of category 'licence' pays for the licence of its vendor that starts last on
-- or before 31 days after the line's date and has not ended by then (a renewal invoiced up
-- to a month ahead pays the coming term; an instalment pays the running one). The part of a
-- licence's cost that no line pays (its cost minus the paying lines' amounts in its own
-- currency) converts at the rate of the licence's first month. Unknown (null) while a
-- paying line or that part has no rate.
create or replace view licence_costs as
with terms as (
    select vendor, start_date, end_date, seats, cost, currency from licences
),

payments as (
    select spend_id, vendor, date, amount, currency, fx_rate, amount_reporting
    from spend_reporting
    where category = 'licence' and vendor is not null
),

candidates as (
    select
        p.*,
        t.start_date,
        row_number() over (partition by p.spend_id order by t.start_date desc) as pick
    from payments as p
    inner join terms as t
      on p.vendor = t.vendor
     and date_diff('day', p.date, t.start_date) <= 31
     and p.date <= t.end_date
),

paid as (
    select
        c.vendor,
        c.start_date,
        count(*) as paying_lines,
        sum(c.amount_reporting) as paid,
        count(*) filter (where c.fx_rate is null) as unconverted_lines,
        sum(case when c.currency = t.currency then cast(c.amount as double) else 0e0 end) as paid_in_currency
    from candidates as c
    inner join terms as t on c.vendor = t.vendor and c.start_date = t.start_date
    where c.pick = 1
    group by c.vendor, c.start_date
),

unpaid as (
    select
        t.*,
        coalesce(p.paying_lines, 0) as paying_lines,
        coalesce(p.paid, 0e0) as paid,
        coalesce(p.unconverted_lines, 0) as unconverted_lines,
        greatest(coalesce(cast(t.cost as double), 0e0) - coalesce(p.paid_in_currency, 0e0), 0e0) as unpaid
    from terms as t
    left join paid as p on t.vendor = p.vendor and t.start_date = p.start_date
),

final as (
    select
        u.vendor,
        u.start_date,
        u.end_date,
        u.seats,
        u.cost,
        u.currency,
        u.paying_lines,
        case
            when u.unconverted_lines > 0 then null
            when u.cost is null and u.paying_lines = 0 then null
            when u.unpaid = 0 then u.paid
            else u.paid + in_reporting_currency(u.unpaid, u.currency, u.start_date)
        end as cost_reporting
    from unpaid as u
)

select * from final;
