-- Exchange and the money read models (issue 10): manual rates one per pair and day, an index for the ECB
-- lookups of exchange_rate_on, the money movements (transactions) view, and the two rules every read model
-- shares: which currency it reports in, and which rate a line dated after today converts at.

-- A company states one manual rate per currency pair and day, in either direction: EUR→GBP and GBP→EUR on the
-- same day would be two answers to one question (exchange_rate_on would silently prefer one).
CREATE UNIQUE INDEX exchange_rates_manual_pair_day ON exchange_rates
    (company_id, least(base_currency, quote_currency), greatest(base_currency, quote_currency), rate_date)
    WHERE source = 'manual';

-- exchange_rate_on reads ECB rows by quote currency and day (company_id IS NULL leads, as every index here);
-- without this each conversion scanned every ECB row, about 180,000 for the full history.
CREATE INDEX exchange_rates_ecb_quote_day ON exchange_rates (company_id, quote_currency, rate_date) WHERE source = 'ecb';

-- Money that moved: income payments received (in) and approved actual expenses (out). Estimates and income
-- not yet paid are plans, not movements; a pending or rejected actual is not a cost.
CREATE VIEW money_movements AS
    SELECT p.company_id, p.id, 'in'::text AS direction, 'income_payment'::text AS kind, i.event_id,
           p.income_id AS line_id, i.category, i.description, i.payer_name AS counterparty,
           p.amount_minor, p.currency, p.paid_on AS moved_on, p.method, p.reference, p.created_at AS recorded_at
      FROM event_income_payments p
      JOIN event_income i ON i.company_id = p.company_id AND i.id = p.income_id
    UNION ALL
    SELECT a.company_id, a.id, 'out'::text, 'expense_actual'::text, a.event_id,
           a.estimate_id, a.category, a.description, a.vendor_name,
           a.amount_minor, a.currency, a.incurred_on, NULL::text, NULL::text, coalesce(a.decided_at, a.submitted_at)
      FROM event_expense_actuals a
     WHERE a.status = 'approved';

-- The currency a read model reports in when the caller names none: the company's default currency from its
-- business settings, else the currency most of its events report in (ties alphabetically), else EUR.
CREATE FUNCTION reporting_currency(p_company uuid, p_requested text) RETURNS char(3)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        p_requested,
        (SELECT s.default_currency FROM companies c
           JOIN company_settings s ON s.company_id = c.company_id AND s.company_record_id = c.id
          WHERE c.company_id = p_company AND c.is_current),
        (SELECT e.currency::text FROM events e WHERE e.company_id = p_company
          GROUP BY e.currency ORDER BY count(*) DESC, e.currency LIMIT 1),
        'EUR')::char(3)
$$;

-- The rate a read model converts a line at: exchange_rate_on of the line's own day. A line dated after today
-- (income expected next month) has no published rate yet unless someone stored one for that day, so it
-- converts at today's (UTC) rate instead — the answer names the rate and its day, so this is never hidden.
-- No rate either way: no row, and the caller answers 422 exchange_rate_missing.
CREATE FUNCTION exchange_rate_for_line(p_company uuid, p_from char(3), p_to char(3), p_day date)
RETURNS TABLE (rate numeric, rate_date date, source text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT x.rate, x.rate_date, x.source FROM (
        SELECT r.rate, r.rate_date, r.source, 0 AS preference FROM exchange_rate_on(p_company, p_from, p_to, p_day) r
        UNION ALL
        SELECT r.rate, r.rate_date, r.source, 1
          FROM exchange_rate_on(p_company, p_from, p_to, (now() AT TIME ZONE 'UTC')::date) r
         WHERE p_day > (now() AT TIME ZONE 'UTC')::date
    ) x
    ORDER BY x.preference
    LIMIT 1
$$;
