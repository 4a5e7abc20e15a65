-- Strategic goals on a date: share now, target, and status.
-- Projection ("linear, last 90 days"): the share moves on to the deadline at the
-- pace of the last 90 days. achieved: share >= target. on_track: projected share at
-- the deadline >= target. at_risk: projected within 10 points of the target.
-- off_track: further off, or the deadline has passed without reaching the target.
create or replace macro goal_readiness(as_of, root := null, org_unit := null) as table
with now_share as (
    select * from goal_share(as_of, root := root, org_unit := org_unit)
),
before_share as (
    select * from goal_share(cast(as_of as date) - 90, root := root, org_unit := org_unit)
),
joined as (
    select
        g.goal_id,
        g.name,
        g.skill,
        g.min_level,
        g.scope,
        g.roles,
        g.deadline,
        n.population,
        n.meeting,
        n.share,
        g.target_share,
        b.share as share_90_days_before,
        greatest(g.deadline - cast(as_of as date), 0) as days_left
    from goals as g
    join now_share as n on n.goal_id = g.goal_id
    left join before_share as b on b.goal_id = g.goal_id
),
projected as (
    select
        *,
        least(greatest(share + (share - coalesce(share_90_days_before, share)) / 90.0 * days_left, 0), 1)
            as projected_share
    from joined
),
final as (
    select
        goal_id,
        name,
        skill,
        min_level,
        scope,
        roles,
        deadline,
        population,
        meeting,
        share,
        target_share,
        share_90_days_before,
        projected_share,
        'linear, last 90 days' as projection_method,
        case
            when share is null then null
            when share >= target_share then 'achieved'
            when days_left = 0 then 'off_track'
            when projected_share >= target_share then 'on_track'
            when projected_share >= target_share - 0.10 then 'at_risk'
            else 'off_track'
        end as status
    from projected
)
select * from final;
