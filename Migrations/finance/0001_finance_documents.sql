-- Finance documents (issue 7): income invoices (money owed to the company) and bills (money it owes)
-- share one table and one shape; `kind` tells them apart. Amounts are bigint minor units of the
-- document's ISO 4217 currency. The totals are derived from the lines and the payments in the same
-- transaction that writes them, and the constraints below keep them consistent whatever writes.

CREATE TABLE finance_documents (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    kind text NOT NULL CONSTRAINT finance_documents_kind CHECK (kind IN ('income', 'bill')),
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT finance_documents_status CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'void')),
    number text CONSTRAINT finance_documents_number_length CHECK (number IS NULL OR length(number) BETWEEN 1 AND 64),
    party_name text NOT NULL CONSTRAINT finance_documents_party_name CHECK (length(btrim(party_name)) BETWEEN 1 AND 200),
    party_ref text CONSTRAINT finance_documents_party_ref CHECK (party_ref IS NULL OR length(party_ref) BETWEEN 1 AND 100),
    party_email text CONSTRAINT finance_documents_party_email CHECK (party_email IS NULL OR length(party_email) <= 254),
    currency text NOT NULL CONSTRAINT finance_documents_currency CHECK (currency ~ '^[A-Z]{3}$'),
    issue_date date,
    due_date date,
    subtotal_minor bigint NOT NULL DEFAULT 0,
    tax_minor bigint NOT NULL DEFAULT 0,
    total_minor bigint NOT NULL DEFAULT 0,
    paid_minor bigint NOT NULL DEFAULT 0,
    -- Who handed the document over and under which of their ids (`venue_deposit` + the deposit id).
    source text NOT NULL DEFAULT 'manual' CONSTRAINT finance_documents_source CHECK (source ~ '^[a-z][a-z0-9_]{0,39}$'),
    source_ref text CONSTRAINT finance_documents_source_ref CHECK (source_ref IS NULL OR length(source_ref) BETWEEN 1 AND 100),
    -- The create request a source_ref was first used with: a retry must send the same one.
    source_request jsonb,
    notes text CONSTRAINT finance_documents_notes CHECK (notes IS NULL OR length(notes) <= 5000),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    issued_at timestamptz,
    voided_at timestamptz,
    PRIMARY KEY (company_id, id),
    CONSTRAINT finance_documents_amounts CHECK (
        subtotal_minor >= 0 AND tax_minor >= 0 AND total_minor = subtotal_minor + tax_minor
        AND total_minor <= 1000000000000000 AND paid_minor BETWEEN 0 AND total_minor),
    -- The status follows the money: only payments move an issued document to partially paid or paid.
    CONSTRAINT finance_documents_status_money CHECK (
        (status IN ('draft', 'void') AND paid_minor = 0)
        OR (status = 'issued' AND paid_minor = 0)
        OR (status = 'partially_paid' AND paid_minor > 0 AND paid_minor < total_minor)
        OR (status = 'paid' AND paid_minor = total_minor)),
    CONSTRAINT finance_documents_issued CHECK (status = 'draft' OR status = 'void' OR (issue_date IS NOT NULL AND issued_at IS NOT NULL)),
    CONSTRAINT finance_documents_due_after_issue CHECK (due_date IS NULL OR issue_date IS NULL OR due_date >= issue_date),
    CONSTRAINT finance_documents_source_request CHECK ((source_ref IS NULL) = (source_request IS NULL))
);

-- The idempotency key: one document per (company, kind, source, source_ref). Concurrent duplicates
-- meet here, not in a check-then-insert.
CREATE UNIQUE INDEX finance_documents_source_key ON finance_documents (company_id, kind, source, source_ref)
    WHERE source_ref IS NOT NULL;
CREATE INDEX finance_documents_list ON finance_documents (company_id, kind, created_at DESC, id DESC);
CREATE INDEX finance_documents_status ON finance_documents (company_id, kind, status, due_date);
CREATE INDEX finance_documents_party ON finance_documents (company_id, kind, party_ref);
CREATE INDEX finance_documents_issue ON finance_documents (company_id, kind, issue_date);

CREATE TABLE finance_document_lines (
    company_id uuid NOT NULL,
    document_id uuid NOT NULL,
    position integer NOT NULL CONSTRAINT finance_document_lines_position CHECK (position BETWEEN 1 AND 200),
    description text NOT NULL CONSTRAINT finance_document_lines_description CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    quantity integer NOT NULL CONSTRAINT finance_document_lines_quantity CHECK (quantity BETWEEN 1 AND 1000000),
    unit_minor bigint NOT NULL CONSTRAINT finance_document_lines_unit CHECK (unit_minor BETWEEN 0 AND 1000000000000000),
    -- Tax rate in basis points: 2100 is 21 %.
    tax_rate_bp integer NOT NULL DEFAULT 0 CONSTRAINT finance_document_lines_tax_rate CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    net_minor bigint NOT NULL,
    tax_minor bigint NOT NULL,
    PRIMARY KEY (company_id, document_id, position),
    FOREIGN KEY (company_id, document_id) REFERENCES finance_documents (company_id, id) ON DELETE CASCADE,
    CONSTRAINT finance_document_lines_net CHECK (net_minor = quantity::numeric * unit_minor),
    CONSTRAINT finance_document_lines_tax CHECK (tax_minor >= 0 AND tax_minor <= net_minor)
);

-- Payments against a document; a refund is a negative payment. The document's paid total moves in
-- the same transaction (PaymentsRepository), bounded by the document's constraint above.
CREATE TABLE finance_payments (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL,
    amount_minor bigint NOT NULL
        CONSTRAINT finance_payments_amount CHECK (amount_minor <> 0 AND amount_minor BETWEEN -1000000000000000 AND 1000000000000000),
    currency text NOT NULL,
    paid_at timestamptz NOT NULL,
    method text NOT NULL DEFAULT 'other'
        CONSTRAINT finance_payments_method CHECK (method IN ('bank_transfer', 'card', 'cash', 'cheque', 'other')),
    reference text CONSTRAINT finance_payments_reference CHECK (reference IS NULL OR length(reference) BETWEEN 1 AND 100),
    note text CONSTRAINT finance_payments_note CHECK (note IS NULL OR length(note) <= 2000),
    -- A client's Idempotency-Key and the request it came with: a retried payment is answered, not repeated.
    idempotency_key text CONSTRAINT finance_payments_idempotency_key CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 100),
    request jsonb,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    FOREIGN KEY (company_id, document_id) REFERENCES finance_documents (company_id, id)
);
CREATE INDEX finance_payments_document ON finance_payments (company_id, document_id, paid_at);
CREATE UNIQUE INDEX finance_payments_idempotency ON finance_payments (company_id, document_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
