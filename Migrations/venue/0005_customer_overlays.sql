-- Customer overlays (issue 8, spec "Customers / overlays"): what this venue company records about a Market party
-- (Base's party registry owns the party itself): a display name, notes, risk, preferences and operational context.
-- Venue never copies the party's master data; an overlay is keyed by the party's Base id and its kind (company:
-- a booking's market_company_id; person: its market_person_id).
--
-- History: every POST adds a row, and a party's newest row (highest seq) is its current overlay. seq, not
-- created_at, orders them: two overlays written in one instant still have an order.
--
-- Search: the display names of current overlays are searched with pg_trgm (contains or similar), through a
-- trigram GIN index led by company_id (btree_gin), as Base searches party names.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE customer_overlays (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    party_kind text NOT NULL CONSTRAINT customer_overlays_party_kind_check CHECK (party_kind IN ('company', 'person')),
    party_id uuid NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    display_name text CONSTRAINT customer_overlays_display_name_check
        CHECK (display_name IS NULL OR length(btrim(display_name)) BETWEEN 1 AND 200),
    notes text CONSTRAINT customer_overlays_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    risk text CONSTRAINT customer_overlays_risk_check CHECK (risk IN ('low', 'medium', 'high')),
    preferences jsonb CONSTRAINT customer_overlays_preferences_check
        CHECK (preferences IS NULL OR jsonb_typeof(preferences) = 'object'),
    -- An object, or free text kept as a JSON string.
    operational_context jsonb CONSTRAINT customer_overlays_operational_context_check
        CHECK (operational_context IS NULL OR jsonb_typeof(operational_context) IN ('object', 'string')),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_overlays_company_id_key UNIQUE (company_id, id)
);
-- A party's current overlay (and "is there a newer one?") is one index probe.
CREATE INDEX customer_overlays_company_party ON customer_overlays (company_id, party_kind, party_id, seq DESC);
CREATE INDEX customer_overlays_company_party_id ON customer_overlays (company_id, party_id);
CREATE INDEX customer_overlays_company_name_trgm ON customer_overlays USING gin (company_id, display_name gin_trgm_ops);
