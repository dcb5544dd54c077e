-- The money of an event (issue 10): income lines with their payments, estimated expense lines, actual
-- expenses (which exist only through the approval group), tax lines, attachments, and dated exchange
-- rates with the one conversion rule every view uses. Amounts are bigint minor units of the row's own
-- ISO 4217 currency; an event's reporting currency is events.currency. Children reference parents through
-- (company_id, parent_id) so a row can never point into another company.

-- ISO 4217 minor-unit exponents (the same list as KisumDeals' CurrencyUnits); every other code has two.
CREATE FUNCTION currency_exponent(code char(3)) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN code IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND',
                      'VUV', 'XAF', 'XOF', 'XPF') THEN 0
        WHEN code IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
        WHEN code IN ('CLF', 'UYW') THEN 4
        ELSE 2
    END
$$;

-- Income: what an event earns (ticketing, guarantees received, sponsorship, merchandise, bar …).
CREATE TABLE event_income (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL,
    category text NOT NULL CONSTRAINT event_income_category_check CHECK (category ~ '^[a-z][a-z0-9_]{0,39}$'),
    description text NOT NULL CONSTRAINT event_income_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    -- Who pays it (invoiced as the Finance invoice's customer).
    payer_name text CONSTRAINT event_income_payer_name_check CHECK (payer_name IS NULL OR length(btrim(payer_name)) BETWEEN 1 AND 200),
    payer_email text CONSTRAINT event_income_payer_email_check CHECK (payer_email IS NULL OR length(payer_email) <= 254),
    amount_minor bigint NOT NULL CONSTRAINT event_income_amount_check CHECK (amount_minor BETWEEN 0 AND 1000000000000000),
    currency char(3) NOT NULL CONSTRAINT event_income_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- The day the money is due (and the day its conversion rate is taken from).
    expected_date date NOT NULL CONSTRAINT event_income_expected_date_check CHECK (expected_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    -- Sum of the payments rows, kept in the same transaction as they are written.
    paid_minor bigint NOT NULL DEFAULT 0,
    -- The Finance income invoice made for this line (POST …/invoice), once Finance answered.
    finance_invoice_id uuid,
    notes text CONSTRAINT event_income_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_income_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT event_income_paid_check CHECK (paid_minor BETWEEN 0 AND amount_minor),
    CONSTRAINT event_income_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_income_event ON event_income (company_id, event_id, expected_date);
CREATE INDEX event_income_list ON event_income (company_id, created_at DESC, id DESC);
CREATE INDEX event_income_expected ON event_income (company_id, expected_date);

CREATE TABLE event_income_payments (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    income_id uuid NOT NULL,
    amount_minor bigint NOT NULL CONSTRAINT event_income_payments_amount_check CHECK (amount_minor BETWEEN 1 AND 1000000000000000),
    -- Always the income line's currency: a payment in another currency is converted before it is recorded.
    currency char(3) NOT NULL CONSTRAINT event_income_payments_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    paid_on date NOT NULL CONSTRAINT event_income_payments_paid_on_check CHECK (paid_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    method text CONSTRAINT event_income_payments_method_check CHECK (method IS NULL OR method ~ '^[a-z][a-z0-9_]{0,39}$'),
    reference text CONSTRAINT event_income_payments_reference_check CHECK (reference IS NULL OR length(reference) BETWEEN 1 AND 200),
    idempotency_key text CONSTRAINT event_income_payments_key_check CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_income_payments_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT event_income_payments_income_fk FOREIGN KEY (company_id, income_id) REFERENCES event_income (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_income_payments_income ON event_income_payments (company_id, income_id, paid_on);
CREATE INDEX event_income_payments_paid_on ON event_income_payments (company_id, paid_on);
CREATE UNIQUE INDEX event_income_payments_idempotency ON event_income_payments (company_id, income_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- A company's own expense categories, beside the built-in ones (Swift) every company has.
CREATE TABLE expense_categories (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    code text NOT NULL CONSTRAINT expense_categories_code_check CHECK (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    name text NOT NULL CONSTRAINT expense_categories_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT expense_categories_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT expense_categories_code_key UNIQUE (company_id, code)
);

-- Estimated expenses: the budget. Event Expense writes only these; nothing here is an actual cost.
CREATE TABLE event_expenses (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL,
    category text NOT NULL CONSTRAINT event_expenses_category_check CHECK (category ~ '^[a-z][a-z0-9_]{0,39}$'),
    description text NOT NULL CONSTRAINT event_expenses_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    vendor_name text CONSTRAINT event_expenses_vendor_check CHECK (vendor_name IS NULL OR length(btrim(vendor_name)) BETWEEN 1 AND 200),
    amount_minor bigint NOT NULL CONSTRAINT event_expenses_amount_check CHECK (amount_minor BETWEEN 0 AND 1000000000000000),
    currency char(3) NOT NULL CONSTRAINT event_expenses_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- When the cost is expected to fall (and the day its conversion rate is taken from).
    due_date date NOT NULL CONSTRAINT event_expenses_due_date_check CHECK (due_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    notes text CONSTRAINT event_expenses_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_expenses_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT event_expenses_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_expenses_event ON event_expenses (company_id, event_id, due_date);
CREATE INDEX event_expenses_list ON event_expenses (company_id, created_at DESC, id DESC);

-- Actual expenses, written only by Event Expense - Approval. A row is a submission; it is an actual cost
-- of the event only while status = 'approved', and only someone other than the submitter approves or
-- rejects it (a submission under the company's 'expense' threshold is approved on submission, by no one).
CREATE TABLE event_expense_actuals (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL,
    -- The estimated line this actual realises, if any: where it exists the actual replaces the estimate.
    estimate_id uuid,
    category text NOT NULL CONSTRAINT event_expense_actuals_category_check CHECK (category ~ '^[a-z][a-z0-9_]{0,39}$'),
    description text NOT NULL CONSTRAINT event_expense_actuals_description_check CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    vendor_name text CONSTRAINT event_expense_actuals_vendor_check CHECK (vendor_name IS NULL OR length(btrim(vendor_name)) BETWEEN 1 AND 200),
    amount_minor bigint NOT NULL CONSTRAINT event_expense_actuals_amount_check CHECK (amount_minor BETWEEN 0 AND 1000000000000000),
    currency char(3) NOT NULL CONSTRAINT event_expense_actuals_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- The day the cost was incurred (and the day its conversion rate is taken from).
    incurred_on date NOT NULL CONSTRAINT event_expense_actuals_incurred_check CHECK (incurred_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    status text NOT NULL DEFAULT 'pending'
        CONSTRAINT event_expense_actuals_status_check CHECK (status IN ('pending', 'approved', 'rejected')),
    notes text CONSTRAINT event_expense_actuals_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    submitted_by uuid NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by uuid,
    decided_at timestamptz,
    decision_note text CONSTRAINT event_expense_actuals_decision_note_check CHECK (decision_note IS NULL OR length(decision_note) <= 2000),
    version integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_expense_actuals_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT event_expense_actuals_decided CHECK ((status = 'pending') = (decided_at IS NULL)),
    -- Four eyes: a person never decides their own submission (auto-approval under the threshold has no decider).
    CONSTRAINT event_expense_actuals_four_eyes CHECK (decided_by IS NULL OR decided_by <> submitted_by),
    CONSTRAINT event_expense_actuals_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE,
    CONSTRAINT event_expense_actuals_estimate_fk FOREIGN KEY (company_id, estimate_id)
        REFERENCES event_expenses (company_id, id) ON DELETE SET NULL (estimate_id)
);
CREATE INDEX event_expense_actuals_event ON event_expense_actuals (company_id, event_id, status);
CREATE INDEX event_expense_actuals_list ON event_expense_actuals (company_id, submitted_at DESC, id DESC);
CREATE INDEX event_expense_actuals_incurred ON event_expense_actuals (company_id, incurred_on) WHERE status = 'approved';
-- At most one live (pending or approved) actual realises an estimate.
CREATE UNIQUE INDEX event_expense_actuals_one_per_estimate ON event_expense_actuals (company_id, estimate_id)
    WHERE estimate_id IS NOT NULL AND status <> 'rejected';

-- Receipts, contracts and invoices attached to an income line, an estimated expense or an actual expense.
CREATE TABLE money_attachments (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    income_id uuid,
    expense_id uuid,
    actual_id uuid,
    filename text NOT NULL CONSTRAINT money_attachments_filename_check CHECK (length(filename) BETWEEN 1 AND 255),
    -- Decided from the bytes, not the name or the client's header.
    content_type text NOT NULL CONSTRAINT money_attachments_type_check CHECK (length(content_type) BETWEEN 3 AND 100),
    size_bytes integer NOT NULL CONSTRAINT money_attachments_size_check CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256 text NOT NULL CONSTRAINT money_attachments_sha_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT money_attachments_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT money_attachments_one_owner CHECK (num_nonnulls(income_id, expense_id, actual_id) = 1),
    CONSTRAINT money_attachments_income_fk FOREIGN KEY (company_id, income_id) REFERENCES event_income (company_id, id) ON DELETE CASCADE,
    CONSTRAINT money_attachments_expense_fk FOREIGN KEY (company_id, expense_id) REFERENCES event_expenses (company_id, id) ON DELETE CASCADE,
    CONSTRAINT money_attachments_actual_fk FOREIGN KEY (company_id, actual_id) REFERENCES event_expense_actuals (company_id, id) ON DELETE CASCADE
);
CREATE INDEX money_attachments_income ON money_attachments (company_id, income_id) WHERE income_id IS NOT NULL;
CREATE INDEX money_attachments_expense ON money_attachments (company_id, expense_id) WHERE expense_id IS NOT NULL;
CREATE INDEX money_attachments_actual ON money_attachments (company_id, actual_id) WHERE actual_id IS NOT NULL;

-- Taxes of an event: VAT / sales tax on income (inclusive or on top) and withholding on artist fees.
CREATE TABLE event_taxes (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    event_id uuid NOT NULL,
    kind text NOT NULL CONSTRAINT event_taxes_kind_check CHECK (kind IN ('vat', 'sales_tax', 'withholding', 'other')),
    name text NOT NULL CONSTRAINT event_taxes_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    -- Basis points: 2000 = 20 %.
    rate_bp integer NOT NULL CONSTRAINT event_taxes_rate_check CHECK (rate_bp BETWEEN 0 AND 10000),
    -- Whether the amounts it applies to already contain the tax (tax = gross × rate / (1 + rate)).
    inclusive boolean NOT NULL,
    -- What it is levied on: the event's income (all, or one income category) or the artists' fees.
    applies_to text NOT NULL CONSTRAINT event_taxes_applies_to_check CHECK (applies_to IN ('income', 'income_category', 'artist_fees')),
    income_category text CONSTRAINT event_taxes_income_category_check CHECK (income_category IS NULL OR income_category ~ '^[a-z][a-z0-9_]{0,39}$'),
    notes text CONSTRAINT event_taxes_notes_check CHECK (notes IS NULL OR length(notes) <= 2000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_taxes_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT event_taxes_category_given CHECK ((applies_to = 'income_category') = (income_category IS NOT NULL)),
    CONSTRAINT event_taxes_withholding_on_fees CHECK (kind <> 'withholding' OR applies_to = 'artist_fees'),
    CONSTRAINT event_taxes_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_taxes_event ON event_taxes (company_id, event_id);

-- Exchange rates: dated records, never fetched at request time. 'ecb' rows are the published reference
-- rates (base EUR, every company reads them; loaded by `Base import-rates`); 'manual' rows belong to one
-- company. rate = units of quote currency per one unit of base currency.
CREATE TABLE exchange_rates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid,
    source text NOT NULL CONSTRAINT exchange_rates_source_check CHECK (source IN ('ecb', 'manual')),
    base_currency char(3) NOT NULL CONSTRAINT exchange_rates_base_check CHECK (base_currency ~ '^[A-Z]{3}$'),
    quote_currency char(3) NOT NULL CONSTRAINT exchange_rates_quote_check CHECK (quote_currency ~ '^[A-Z]{3}$'),
    rate numeric(24, 10) NOT NULL CONSTRAINT exchange_rates_rate_check CHECK (rate > 0 AND rate < 100000000),
    rate_date date NOT NULL CONSTRAINT exchange_rates_date_check CHECK (rate_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT exchange_rates_pair CHECK (base_currency <> quote_currency),
    CONSTRAINT exchange_rates_owner CHECK ((source = 'manual') = (company_id IS NOT NULL)),
    CONSTRAINT exchange_rates_ecb_base CHECK (source <> 'ecb' OR base_currency = 'EUR'),
    CONSTRAINT exchange_rates_key UNIQUE NULLS NOT DISTINCT (company_id, source, base_currency, quote_currency, rate_date)
);
CREATE INDEX exchange_rates_company_pair ON exchange_rates (company_id, base_currency, quote_currency, rate_date DESC);

-- The one conversion rule. The rate of `day` is the newest rate dated on or before it within 14 days (the
-- ECB publishes on working days only); a company's manual rate (either direction) wins over the ECB's; ECB
-- pairs not involving EUR cross through EUR on one publication day. No row: there is no rate, and the caller
-- answers 422 — never a silent 1.0.
CREATE FUNCTION exchange_rate_on(p_company uuid, p_from char(3), p_to char(3), p_day date)
RETURNS TABLE (rate numeric, rate_date date, source text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.rate, r.rate_date, r.source FROM (
        SELECT 1::numeric AS rate, p_day AS rate_date, 'identity'::text AS source, 0 AS preference
        WHERE p_from = p_to
        UNION ALL
        (SELECT CASE WHEN m.base_currency = p_from THEN m.rate ELSE 1 / m.rate END, m.rate_date, 'manual', 1
           FROM exchange_rates m
          WHERE m.company_id = p_company AND p_from <> p_to
            AND ((m.base_currency = p_from AND m.quote_currency = p_to) OR (m.base_currency = p_to AND m.quote_currency = p_from))
            AND m.rate_date BETWEEN p_day - 14 AND p_day
          ORDER BY m.rate_date DESC, (m.base_currency = p_from) DESC
          LIMIT 1)
        UNION ALL
        (SELECT CASE WHEN p_from = 'EUR' THEN t.rate
                     WHEN p_to = 'EUR' THEN 1 / f.rate
                     ELSE t.rate / f.rate END,
                coalesce(t.rate_date, f.rate_date), 'ecb', 2
           FROM (SELECT DISTINCT e.rate_date FROM exchange_rates e
                  WHERE e.company_id IS NULL AND e.source = 'ecb' AND e.rate_date BETWEEN p_day - 14 AND p_day
                    AND e.quote_currency IN (p_from, p_to)) d
           LEFT JOIN exchange_rates f ON f.company_id IS NULL AND f.source = 'ecb' AND f.rate_date = d.rate_date AND f.quote_currency = p_from
           LEFT JOIN exchange_rates t ON t.company_id IS NULL AND t.source = 'ecb' AND t.rate_date = d.rate_date AND t.quote_currency = p_to
          WHERE p_from <> p_to
            AND (p_from = 'EUR' OR f.rate IS NOT NULL) AND (p_to = 'EUR' OR t.rate IS NOT NULL)
          ORDER BY d.rate_date DESC
          LIMIT 1)
    ) r
    ORDER BY r.preference
    LIMIT 1
$$;

-- amount (minor units of p_from) in minor units of p_to at `rate`, rounded half away from zero.
CREATE FUNCTION convert_minor(amount bigint, p_from char(3), p_to char(3), rate numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(amount * rate * power(10::numeric, currency_exponent(p_to) - currency_exponent(p_from)))
$$;
