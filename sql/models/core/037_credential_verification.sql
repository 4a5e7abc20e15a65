-- One row per loaded credential (an Open Badges / verifiable credential record): whether its
-- proof checks against the issuer's key. status: verified (the signature or proof checks
-- against a key found offline: a did:key, a did:jwk, or the trusted-issuers file), failed
-- (altered, signed with another key, or malformed where the standard is strict), unsigned (no
-- proof of its own), unverifiable (the key would need the network, or nothing ties it to the
-- issuer); reason: the sentence saying why. A record loaded before proofs were checked is
-- unverifiable until its file is loaded again.
create or replace view credential_verification as
with credentials as (
    select * from completions where source_kind = 'badge'
),

final as (
    select
        source_record_id,
        employee_id,
        course_id,
        coalesce(verification, 'unverifiable') as status,
        coalesce(
            verification_reason,
            'Unverifiable: it was loaded before proofs were checked; load its file again to check it.'
        ) as reason,
        batch_id,
        completed_at
    from credentials
)

select * from final;
