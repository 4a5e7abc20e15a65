-- A manager and everyone below them, all levels down (the scope of a team lead).
-- union all: the loads keep the manager graph free of cycles (docs/loading.md), and Spark
-- takes only union all in a recursive CTE.
create or replace macro reporting_tree(root) as table
with recursive tree (employee_id) as (
    select employee_id from employees where employee_id = root
    union all
    select e.employee_id
    from employees as e
    inner join tree as t on e.manager_id = t.employee_id
)

select employee_id from tree;
