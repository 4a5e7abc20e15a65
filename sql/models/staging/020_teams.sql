-- The org tree's units: each team with the department most of its people belong to.
create or replace view teams as
with people as (
    select team, department from employees where team is not null
),

final as (
    select team, mode(department) as department, count(*) as headcount_ever
    from people
    group by team
)

select * from final;
