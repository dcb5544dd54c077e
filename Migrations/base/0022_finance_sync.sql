-- Base → Finance (issue 10): the transactional outbox (Base had none), the company's connection to Finance, and
-- the sync state of each income line and approved actual expense pushed to Finance as an invoice or a bill.

-- The outbox, as Shared/Persistence/Outbox.swift's tableDDL states it (copied: an applied migration never changes).
CREATE TABLE outbox (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid,
    topic text NOT NULL,
    payload jsonb NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    delivered_at timestamptz,
    dead_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The relay's queue scan is global by design (one relay serves every tenant).
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_company ON outbox (company_id, created_at);

-- One row while a company is connected to Finance; disconnecting deletes it (the sync history stays).
CREATE TABLE finance_connections (
    company_id uuid PRIMARY KEY,
    connected_by uuid NOT NULL,
    connected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Finance's chart-of-accounts ids the company books event income and event expenses to (checked at connect).
    income_account_id uuid,
    expense_account_id uuid,
    -- Options: push income invoices / bills issued rather than as drafts.
    issue_invoices boolean NOT NULL DEFAULT false,
    issue_bills boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Per line pushed to Finance: an income line (→ income invoice) or an approved actual expense (→ bill).
-- `generation` grows each time the line is queued again (its content changed, or it failed and was synced
-- again); the outbox key is (kind, line, generation), so a sync of unchanged lines enqueues nothing.
CREATE TABLE finance_sync_lines (
    company_id uuid NOT NULL,
    line_kind text NOT NULL CONSTRAINT finance_sync_lines_kind_check CHECK (line_kind IN ('income', 'expense')),
    line_id uuid NOT NULL,
    event_id uuid NOT NULL,
    status text NOT NULL CONSTRAINT finance_sync_lines_status_check CHECK (status IN ('queued', 'delivered', 'failed')),
    generation integer NOT NULL DEFAULT 1,
    -- sha256 of what the line says (amount, currency, text, dates) when it was last queued …
    queued_hash text NOT NULL,
    -- … and when Finance last took it.
    delivered_hash text,
    finance_document_id uuid,
    attempts integer NOT NULL DEFAULT 0,
    last_error text CONSTRAINT finance_sync_lines_error_check CHECK (last_error IS NULL OR length(last_error) <= 500),
    last_error_at timestamptz,
    queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at timestamptz,
    CONSTRAINT finance_sync_lines_pkey PRIMARY KEY (company_id, line_kind, line_id),
    CONSTRAINT finance_sync_lines_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX finance_sync_lines_event ON finance_sync_lines (company_id, event_id);
CREATE INDEX finance_sync_lines_status ON finance_sync_lines (company_id, status);
