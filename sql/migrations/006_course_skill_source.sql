-- Where a course's skill comes from: 'catalog' (the catalog file names it) or 'suggested'
-- (L&D accepted a skill the suggestion model proposed for a course the catalog left
-- untagged: python -m etl suggest-skills --accept, or the Data page). Rows stored before
-- this migration came from the catalog.
alter table course_skills add column source varchar default 'catalog';
update course_skills set source = 'catalog' where source is null;

-- Suggestions L&D turned down: never proposed again for that course.
create table course_skill_rejections (
    course_id   varchar not null,
    skill       varchar not null,
    rejected_at timestamp not null,
    primary key (course_id, skill)
);

-- A course's description, when the catalog gives one (what skill suggestions compare, with the title).
alter table courses add column description varchar;
