-- A company's chart of accounts (issue 10): the revenue, expense, asset and liability accounts documents are
-- booked to. Base's Finance integration names the accounts event income and event expenses go to.
CREATE TABLE finance_accounts (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    -- The company's own number or code for it ("4000", "4000.10", "SALES-EU").
    code text NOT NULL CONSTRAINT finance_accounts_code_check CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$'),
    name text NOT NULL CONSTRAINT finance_accounts_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    type text NOT NULL CONSTRAINT finance_accounts_type_check CHECK (type IN ('revenue', 'expense', 'asset', 'liability')),
    description text CONSTRAINT finance_accounts_description_check CHECK (description IS NULL OR length(description) <= 2000),
    -- An archived account stays on the documents booked to it but is not offered for new ones.
    active boolean NOT NULL DEFAULT true,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT finance_accounts_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT finance_accounts_code_key UNIQUE (company_id, code)
);
CREATE INDEX finance_accounts_type ON finance_accounts (company_id, type, code);

-- The account a document is booked to (optional).
ALTER TABLE finance_documents ADD COLUMN account_id uuid;
ALTER TABLE finance_documents ADD CONSTRAINT finance_documents_account_fk
    FOREIGN KEY (company_id, account_id) REFERENCES finance_accounts (company_id, id);
CREATE INDEX finance_documents_account ON finance_documents (company_id, account_id) WHERE account_id IS NOT NULL;

-- GET /api/payments: the company's payments and refunds, newest first.
CREATE INDEX finance_payments_list ON finance_payments (company_id, paid_at DESC, id DESC);
