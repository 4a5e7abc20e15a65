-- Employees at work on a date: hired on or before it and not yet gone
-- (the leave date is the last working day, so a leaver still counts on it).
create or replace macro active_employees(as_of) as table
with people as (
    select * from employees
),
final as (
    select *
    from people
    where (hire_date is null or hire_date <= cast(as_of as date))
      and (leave_date is null or leave_date >= cast(as_of as date))
)
select * from final;
