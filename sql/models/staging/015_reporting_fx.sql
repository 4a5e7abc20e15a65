-- Conversion to the reporting currency: the one FX rule, and the only model that reads `fx`.
--
-- The reporting currency is the `reporting_currency` setting (USD when unset). An amount
-- dated D in currency C converts at the rate of the latest month on or before D's month
-- that fx.csv gives for C; the reporting currency itself converts at 1.0. No rate: null,
-- and the amount is left out of totals (the Spend page says how many lines).
-- Spend (each line's date), budgets (the period's start), licences (the lines that pay
-- for them, each at its date: core/122_licence_costs.sql) and the planner's course prices
-- (the as-of date) all convert with in_reporting_currency.
create or replace view reporting_currency as
select coalesce((select value from settings where key = 'reporting_currency'), 'USD') as currency;

-- One row per currency and run of months in which one rate applies: [valid_from, valid_until).
create or replace view reporting_fx as
with rc as (
    select currency from reporting_currency
),

rates as (
    select
        currency,
        month as valid_from,
        lead(month) over (partition by currency order by month) as valid_until,
        rate
    from fx
    where currency <> (select currency from rc)
),

final as (
    select currency, valid_from, coalesce(valid_until, date '9999-12-01') as valid_until, rate
    from rates
    union all
    select currency, date '0001-01-01', date '9999-12-01', 1e0 from rc
)

select * from final;

-- Whether a row of reporting_fx (its valid_from, valid_until) applies to a day: the month rule
-- that fx_rate and a join to reporting_fx (many lines at once: core/120_spend_reporting.sql) share.
create or replace macro fx_applies(from_month, until_month, on_day) as
from_month <= date_trunc('month', cast(on_day as date))
and date_trunc('month', cast(on_day as date)) < until_month;

-- The rate that converts currency_code on a day to the reporting currency (null: none known).
create or replace macro fx_rate(currency_code, on_day) as (
    select f.rate
    from reporting_fx as f
    where f.currency = currency_code and fx_applies(f.valid_from, f.valid_until, on_day)
);

-- An amount in currency_code on a day, in the reporting currency (null when no rate is known).
create or replace macro in_reporting_currency(amount, currency_code, on_day) as
cast(amount as double) * fx_rate(currency_code, on_day);
