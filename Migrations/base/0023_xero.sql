-- Xero (issue 10): a company's connection to its Xero organisation over OAuth 2.0 with PKCE, and the links from
-- its income lines to the invoices pushed for them. Tokens and PKCE verifiers are sealed with AES-GCM under
-- XERO_TOKEN_KEY by the service (the associated data names the company and the field), so a database dump holds no
-- usable credential.

-- One row per connect attempt: the browser leaves with `state` and comes back with it to the public callback.
-- Only the SHA-256 of the state is stored (looked up by equality on the digest, which says nothing about the
-- state); the PKCE code verifier is sealed. Single use (`used_at`) and ten minutes long.
CREATE TABLE xero_oauth_states (
    company_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL,
    state_sha256 bytea NOT NULL CONSTRAINT xero_oauth_states_state_check CHECK (length(state_sha256) = 32),
    code_verifier bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CONSTRAINT xero_oauth_states_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT xero_oauth_states_expiry CHECK (expires_at > created_at)
);
-- The callback knows no company until the state names it, so this one lookup is by the digest alone (as
-- calendar_feeds' token): a 256-bit random value's digest is unique across companies.
CREATE UNIQUE INDEX xero_oauth_states_state ON xero_oauth_states (state_sha256);
CREATE INDEX xero_oauth_states_expiry ON xero_oauth_states (company_id, expires_at);

-- The company's Xero connection (one per company). `status` needs_reauth: Xero refused the refresh token
-- (invalid_grant: revoked, expired after 60 days unused, or spent), so only a new connect can repair it.
CREATE TABLE xero_connections (
    company_id uuid NOT NULL,
    status text NOT NULL CONSTRAINT xero_connections_status_check CHECK (status IN ('connected', 'needs_reauth')),
    access_token bytea NOT NULL,
    refresh_token bytea NOT NULL,
    access_expires_at timestamptz NOT NULL,
    scopes text[] NOT NULL DEFAULT '{}',
    -- The Xero organisation every accounting call names (xero-tenant-id); null until selected.
    tenant_id uuid,
    tenant_name text CONSTRAINT xero_connections_tenant_name_check CHECK (tenant_name IS NULL OR length(tenant_name) <= 500),
    connected_by uuid NOT NULL,
    connected_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    refreshed_at timestamptz,
    reauth_reason text CONSTRAINT xero_connections_reason_check CHECK (reauth_reason IS NULL OR length(reauth_reason) <= 200),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT xero_connections_pkey PRIMARY KEY (company_id),
    CONSTRAINT xero_connections_reason CHECK ((status = 'needs_reauth') = (reauth_reason IS NOT NULL))
);

-- The Xero invoice pushed for an income line: at most one per line, so a second push answers this link.
CREATE TABLE xero_invoice_links (
    company_id uuid NOT NULL,
    income_id uuid NOT NULL,
    xero_invoice_id uuid NOT NULL,
    xero_tenant_id uuid NOT NULL,
    invoice_number text CONSTRAINT xero_invoice_links_number_check CHECK (invoice_number IS NULL OR length(invoice_number) <= 255),
    pushed_by uuid NOT NULL,
    pushed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT xero_invoice_links_pkey PRIMARY KEY (company_id, income_id),
    -- The invoice stays in Xero when the line goes; the link has nothing left to say then.
    CONSTRAINT xero_invoice_links_income_fk FOREIGN KEY (company_id, income_id) REFERENCES event_income (company_id, id) ON DELETE CASCADE
);
CREATE INDEX xero_invoice_links_invoice ON xero_invoice_links (company_id, xero_invoice_id);
