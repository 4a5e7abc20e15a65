-- Cost per completion by vendor for a period: spend in the period (reporting currency)
-- over distinct (employee, course) completions in the period on that vendor's courses.
create or replace macro cost_per_completion(period_start, period_end) as table
with spent as (
    select vendor, sum(amount_reporting) as spend
    from spend_reporting
    where date between cast(period_start as date) and cast(period_end as date) and vendor is not null
    group by vendor
),

done as (
    select vendor, count(distinct(employee_id, course_id)) as completions
    from learning_activity
    where status in ('completed', 'passed')
      -- the days of the period as a range of activity_at (a filter the scan of the records applies)
      and activity_at >= cast(period_start as date) and activity_at < cast(period_end as date) + 1
      and vendor is not null
    group by vendor
),

final as (
    select
        coalesce(s.vendor, d.vendor) as vendor,
        coalesce(s.spend, 0) as spend,
        coalesce(d.completions, 0) as completions,
        s.spend / nullif(d.completions, 0) as cost_per_completion
    from spent as s
    full join done as d on s.vendor = d.vendor
)

select * from final;
