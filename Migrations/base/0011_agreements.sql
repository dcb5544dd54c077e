-- Agreements (issue 9): the contract made from an accepted offer, with a snapshot of what was agreed (the deal terms
-- and ticket scenario, the date and the venue as the offer stood), its generated PDF and the files attached to it
-- (riders, stage plots …). Conventions as in 0009.

CREATE TABLE agreements (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    offer_id uuid NOT NULL,
    -- The offer's event when it had one; an event deleted later leaves the agreement standing.
    event_id uuid,
    artist_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT agreements_status_check CHECK (status IN ('draft', 'sent', 'signed', 'cancelled')),
    title text NOT NULL CONSTRAINT agreements_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    notes text CONSTRAINT agreements_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    -- The snapshot: what the parties agreed does not move when the offer is edited afterwards.
    event_date date NOT NULL CONSTRAINT agreements_event_date_check CHECK (event_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    venue_name text,
    city text,
    currency char(3) NOT NULL CONSTRAINT agreements_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- {"deal": DealTerms, "scenario": {"capacity": …, "tiers": [TicketTier]}} as the offer held them.
    terms jsonb NOT NULL,
    -- The generated document (KisumPdf), its time and SHA-256; all three or none.
    pdf bytea,
    pdf_generated_at timestamptz,
    pdf_sha256 text,
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT agreements_company_id_key UNIQUE (company_id, id),
    CONSTRAINT agreements_pdf_complete CHECK ((pdf IS NULL) = (pdf_generated_at IS NULL) AND (pdf IS NULL) = (pdf_sha256 IS NULL)),
    -- A cancelled agreement keeps no document (issue 9: PDFs are "deleted with their agreement").
    CONSTRAINT agreements_cancelled_without_pdf CHECK (status <> 'cancelled' OR pdf IS NULL),
    -- Not cascading: an offer with an agreement is not deleted (its DELETE answers 409).
    CONSTRAINT agreements_offer_fk FOREIGN KEY (company_id, offer_id) REFERENCES offers (company_id, id),
    CONSTRAINT agreements_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id),
    CONSTRAINT agreements_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id)
);
-- One live agreement per offer; a cancelled one makes room for a new one.
CREATE UNIQUE INDEX agreements_one_per_offer ON agreements (company_id, offer_id) WHERE status <> 'cancelled';
CREATE INDEX agreements_company_created ON agreements (company_id, created_at DESC, id);
CREATE INDEX agreements_company_date ON agreements (company_id, event_date, id);
CREATE INDEX agreements_company_status ON agreements (company_id, status, event_date);
CREATE INDEX agreements_company_artist ON agreements (company_id, artist_id, event_date);
CREATE INDEX agreements_company_event ON agreements (company_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX agreements_company_title_trgm ON agreements USING gin (company_id, title gin_trgm_ops);

-- Files attached to an agreement, by kind, in the order the user keeps them.
CREATE TABLE agreement_assets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    agreement_id uuid NOT NULL,
    kind text NOT NULL
        CONSTRAINT agreement_assets_kind_check CHECK (kind IN ('rider', 'hospitality', 'stage_plot', 'contract', 'other')),
    position integer NOT NULL CONSTRAINT agreement_assets_position_check CHECK (position BETWEEN 1 AND 1000),
    file_name text NOT NULL CONSTRAINT agreement_assets_file_name_check CHECK (length(file_name) BETWEEN 1 AND 255),
    description text CONSTRAINT agreement_assets_description_check CHECK (description IS NULL OR length(description) <= 1000),
    content_type text NOT NULL,
    size_bytes integer NOT NULL CONSTRAINT agreement_assets_size_check CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256 text NOT NULL,
    bytes bytea NOT NULL,
    uploaded_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT agreement_assets_company_id_key UNIQUE (company_id, id),
    CONSTRAINT agreement_assets_agreement_fk FOREIGN KEY (company_id, agreement_id)
        REFERENCES agreements (company_id, id) ON DELETE CASCADE
);
CREATE INDEX agreement_assets_company_agreement ON agreement_assets (company_id, agreement_id, kind, position, id);
