-- A manager and everyone below them, all levels down (the scope of a team lead).
create or replace macro reporting_tree(root) as table
with recursive tree (employee_id) as (
    select employee_id from employees where employee_id = root
    union
    select e.employee_id
    from employees as e
    inner join tree as t on e.manager_id = t.employee_id
)

select employee_id from tree;
