-- Active learners on a date: distinct active employees with any learning activity
-- in the 90 days up to and including it (learning_activity's days as a range of
-- completions' timestamps: a plain range on the stored column is cheap to scan).
create or replace macro active_learners(as_of, root := null, org_unit := null) as table
select count(distinct a.employee_id) as active_learners
from completions as a
semi join active_employees(as_of, root := root, org_unit := org_unit) as p on a.employee_id = p.employee_id
where a.completed_at >= cast(as_of as date) - 89 and a.completed_at < cast(as_of as date) + 1;
