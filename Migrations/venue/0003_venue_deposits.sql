-- Deposits (issue 7): what a venue expects to be paid up front for a booking or event. Venue keeps the
-- workflow (pending → requested → cancelled); Finance keeps the money: each deposit becomes one income
-- invoice there (source venue_deposit, the deposit id as the idempotency key), created and updated by
-- the outbox relay from a row written in the same transaction as the deposit. `version` counts changes and
-- `synced_version` the last one Finance has, so a retried or reordered delivery never undoes a newer one.
CREATE TABLE deposits (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    booking_id uuid,
    event_id uuid,
    deal_id uuid,
    payer_name text NOT NULL CONSTRAINT deposits_payer_name CHECK (length(btrim(payer_name)) BETWEEN 1 AND 200),
    payer_ref text CONSTRAINT deposits_payer_ref CHECK (payer_ref IS NULL OR length(payer_ref) BETWEEN 1 AND 100),
    payer_email text CONSTRAINT deposits_payer_email CHECK (payer_email IS NULL OR length(payer_email) <= 254),
    amount_minor bigint NOT NULL CONSTRAINT deposits_amount CHECK (amount_minor BETWEEN 1 AND 1000000000000000),
    currency text NOT NULL CONSTRAINT deposits_currency CHECK (currency ~ '^[A-Z]{3}$'),
    due_date date,
    status text NOT NULL DEFAULT 'requested' CONSTRAINT deposits_status CHECK (status IN ('pending', 'requested', 'cancelled')),
    description text CONSTRAINT deposits_description CHECK (description IS NULL OR length(description) <= 500),
    notes text CONSTRAINT deposits_notes CHECK (notes IS NULL OR length(notes) <= 5000),
    finance_record_id uuid,
    finance_sync_status text NOT NULL DEFAULT 'pending'
        CONSTRAINT deposits_finance_sync_status CHECK (finance_sync_status IN ('pending', 'synced', 'failed')),
    finance_last_error text,
    finance_synced_at timestamptz,
    -- Finance's invoice status and paid total as last seen (reads ask Finance again when they can).
    finance_status text,
    finance_paid_minor bigint,
    version integer NOT NULL DEFAULT 1,
    synced_version integer NOT NULL DEFAULT 0,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, id),
    CONSTRAINT deposits_booking_fk FOREIGN KEY (company_id, booking_id) REFERENCES bookings (company_id, id),
    CONSTRAINT deposits_event_fk FOREIGN KEY (company_id, event_id) REFERENCES venue_events (company_id, id),
    CONSTRAINT deposits_deal_fk FOREIGN KEY (company_id, deal_id) REFERENCES deals (company_id, id)
);
CREATE INDEX deposits_company_list ON deposits (company_id, created_at DESC, id DESC);
CREATE INDEX deposits_company_booking ON deposits (company_id, booking_id) WHERE booking_id IS NOT NULL;
CREATE INDEX deposits_company_event ON deposits (company_id, event_id) WHERE event_id IS NOT NULL;
-- A confirmed booking turns each accepted deal's deposit into one deposit, however often it is confirmed.
CREATE UNIQUE INDEX deposits_company_deal ON deposits (company_id, deal_id) WHERE deal_id IS NOT NULL;
