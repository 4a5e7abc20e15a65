-- Credentials' proofs are checked when they are loaded (etl.credentials), and evidence is
-- weighed by kind under L&D's policy (config/evidence.toml).
--   completion_records.verification:        an Open Badges record's proof check (verified, failed,
--                                            unsigned, unverifiable); null for other sources
--   completion_records.verification_reason: the sentence saying why
--   evidence.strength_kind, strength, flagged: the kind of evidence as the policy weighs it
--   evidence_policy: one row per kind (strength, whether it counts toward levels, flagged)
alter table completion_records add column verification varchar;
alter table completion_records add column verification_reason varchar;
alter table evidence add column strength_kind varchar;
alter table evidence add column strength integer;
alter table evidence add column flagged boolean;
create table evidence_policy (
    kind     varchar primary key,
    label    varchar not null,
    strength integer not null,
    counts   boolean not null,
    flagged  boolean not null
);
insert into evidence_policy values
    ('verified_credential', 'verified credential', 4, true, false),
    ('assessment', 'assessment', 4, true, false),
    ('unverified_credential', 'unverified credential', 3, true, true),
    ('course', 'course completion', 2, true, false),
    ('self_reported', 'self-reported', 1, true, false),
    ('failed_credential', 'failed credential', 0, false, true);
