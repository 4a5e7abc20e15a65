-- Base tables of the warehouse. Loaded data lives here; everything the app reads
-- is a view or a table macro in sql/models/ built on top of these.

create table settings (
    key   varchar primary key,
    value varchar not null
);
insert into settings values ('reporting_currency', 'USD');

create table import_batches (
    batch_id       integer primary key,
    file_name      varchar not null,
    file_sha256    varchar not null,
    kind           varchar not null,
    rows_read      integer not null default 0,
    rows_loaded    integer not null default 0,
    rows_duplicate integer not null default 0,
    rows_rejected  integer not null default 0,
    status         varchar not null,          -- loaded | failed
    message        varchar,
    started_at     timestamp not null,
    finished_at    timestamp
);
create sequence batch_seq start 1;

create table rejected_rows (
    batch_id   integer not null,
    row_number integer not null,
    reason     varchar not null,
    raw        varchar
);

create table employees (
    employee_id varchar primary key,
    full_name   varchar,
    email       varchar,
    role        varchar,
    team        varchar,
    department  varchar,
    manager_id  varchar,
    location    varchar,
    cost_center varchar,
    hire_date   date,
    leave_date  date,
    batch_id    integer
);

create table skills (
    skill       varchar primary key,
    category    varchar,
    description varchar
);

create table courses (
    course_id       varchar primary key,
    title           varchar,
    provider        varchar,
    hours           double,
    price           decimal(18, 2),
    currency        varchar,
    credential_type varchar,
    validity_months integer,
    batch_id        integer
);

create table course_skills (
    course_id varchar not null,
    skill     varchar not null,
    level     integer not null,
    primary key (course_id, skill)
);

create table course_aliases (
    alias     varchar primary key,  -- lower-cased, trimmed
    course_id varchar not null
);

create table requirements (
    role           varchar not null,
    skill          varchar not null,
    required_level integer not null,
    weight         double not null default 1,
    primary key (role, skill)
);

create table goals (
    goal_id      varchar primary key,
    name         varchar,
    skill        varchar not null,
    min_level    integer not null,
    scope        varchar not null,
    roles        varchar[],
    target_share double not null,
    deadline     date not null,
    owner        varchar
);

create table spend (
    spend_id    varchar primary key,  -- reference, or a hash of the row when there is none
    date        date not null,
    amount      decimal(18, 2) not null,
    currency    varchar not null,
    vendor      varchar,
    category    varchar,
    team        varchar,
    employee_id varchar,
    course_id   varchar,
    description varchar,
    reference   varchar,
    batch_id    integer
);

create table budgets (
    unit         varchar not null,
    period_start date not null,
    period_end   date not null,
    amount       decimal(18, 2) not null,
    currency     varchar not null,
    primary key (unit, period_start)
);

create table licences (
    vendor     varchar not null,
    seats      integer not null,
    start_date date not null,
    end_date   date not null,
    cost       decimal(18, 2),
    currency   varchar,
    primary key (vendor, start_date)
);

create table fx (
    currency varchar not null,
    month    date not null,
    rate     double not null,
    primary key (currency, month)
);

create table assessments (
    employee_id varchar not null,
    skill       varchar not null,
    level       integer not null,
    assessed_at date not null,
    source      varchar,
    batch_id    integer,
    primary key (employee_id, skill, assessed_at)
);

-- One row per learning record loaded from an LMS export, resolved to an employee and a course.
create table completion_records (
    source_kind      varchar not null,
    source_record_id varchar not null,
    employee_id      varchar not null,
    course_id        varchar not null,
    status           varchar not null,
    completed_at     timestamp,
    score            double,
    expires_at       timestamp,
    vendor           varchar,
    batch_id         integer not null,
    row_number       integer,
    primary key (source_kind, source_record_id)
);

-- xAPI statement ids cancelled by voiding statements (whoever voided them, whenever they arrive).
create table voided_statements (
    statement_id varchar primary key,
    batch_id     integer not null
);

-- Erasures of personal data: that one happened and when, never whom.
create table erasures (
    erased_at timestamp not null,
    rows_removed integer not null
);
