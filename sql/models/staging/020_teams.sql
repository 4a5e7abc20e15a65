-- The org tree's units: each team with the department most of its people belong to
-- (on a tie, the first department by name).
create or replace view teams as
with people as (
    select team, department from employees where team is not null
),

departments as (
    select
        team, department,
        row_number() over (partition by team order by count(*) desc, department) as place
    from people
    where department is not null
    group by team, department
),

sizes as (
    select team, count(*) as headcount_ever from people group by team
),

final as (
    select s.team, d.department, s.headcount_ever
    from sizes as s
    left join departments as d on s.team = d.team and d.place = 1
)

select * from final;
