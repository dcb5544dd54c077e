-- The party registry's roots (issue 8): artists, agencies, companies' business metadata and the roster that
-- ties artists to the company and to agencies. Children of these (contacts, platforms, history, agency team,
-- company settings) come in later migrations, each with its feature.
--
-- Conventions (as in Venue): every table carries company_id and its indexes lead with it; children point at
-- their parent through (company_id, parent_id), so the database guarantees both rows belong to the same
-- company; `UNIQUE (company_id, id)` on each parent is the target of those keys. Name search uses trigram GIN
-- indexes that lead with company_id (btree_gin), so one tenant's search never scans another's rows.
-- These rows are the canonical party identity ("Market") other services reference by id; Venue keeps only
-- overlays on top of them.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- ---------------------------------------------------------------------------------------------
-- Artists: person-level parties (a solo act, a band, a DJ …) in one company's registry.
CREATE TABLE artists (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT artists_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'solo'
        CONSTRAINT artists_kind_check CHECK (kind IN ('solo', 'band', 'dj', 'ensemble', 'orchestra', 'other')),
    status text NOT NULL DEFAULT 'active'
        CONSTRAINT artists_status_check CHECK (status IN ('active', 'inactive', 'archived')),
    email text CONSTRAINT artists_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text,
    website text,
    image_url text,
    country_id uuid CONSTRAINT artists_country_fk REFERENCES countries (id),
    city text,
    -- The bio as text, and the structured document the bio editor saves (`resJson`).
    bio text,
    bio_document jsonb,
    -- Optimistic concurrency: PUT names the version it read; the loser of two writers gets 409.
    version integer NOT NULL DEFAULT 1,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artists_company_id_key UNIQUE (company_id, id)
);
CREATE INDEX artists_company_name_trgm ON artists USING gin (company_id, name gin_trgm_ops);
CREATE INDEX artists_company_name ON artists (company_id, lower(name), id);
CREATE INDEX artists_company_created ON artists (company_id, created_at DESC, id);
CREATE INDEX artists_company_country ON artists (company_id, country_id) WHERE country_id IS NOT NULL;
CREATE INDEX artists_company_email ON artists (company_id, lower(email)) WHERE email IS NOT NULL;

-- What an artist plays: links into the global genre taxonomy.
CREATE TABLE artist_genres (
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    genre_id uuid NOT NULL CONSTRAINT artist_genres_genre_fk REFERENCES genres (id),
    PRIMARY KEY (company_id, artist_id, genre_id),
    CONSTRAINT artist_genres_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);
CREATE INDEX artist_genres_company_genre ON artist_genres (company_id, genre_id, artist_id);

-- ---------------------------------------------------------------------------------------------
-- Agencies: booking agencies and management companies the company works with (company-level parties).
CREATE TABLE agencies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT agencies_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'booking'
        CONSTRAINT agencies_kind_check CHECK (kind IN ('booking', 'management', 'both', 'other')),
    status text NOT NULL DEFAULT 'active'
        CONSTRAINT agencies_status_check CHECK (status IN ('active', 'inactive', 'archived')),
    email text CONSTRAINT agencies_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text,
    website text,
    country_id uuid CONSTRAINT agencies_country_fk REFERENCES countries (id),
    city text,
    address text,
    notes text,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agencies_company_id_key UNIQUE (company_id, id)
);
CREATE INDEX agencies_company_name_trgm ON agencies USING gin (company_id, name gin_trgm_ops);
CREATE INDEX agencies_company_name ON agencies (company_id, lower(name), id);
CREATE INDEX agencies_company_email ON agencies (company_id, lower(email)) WHERE email IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Roster: an artist represented by the company itself (agency_id NULL) or by one of its agencies, with the
-- role of that representation and the dates it holds. One artist may be on several rosters over time.
CREATE TABLE roster_entries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    agency_id uuid,
    role text NOT NULL DEFAULT 'booking'
        CONSTRAINT roster_entries_role_check CHECK (role IN ('booking', 'management', 'publishing', 'label', 'other')),
    territory text,
    starts_on date,
    ends_on date,
    notes text,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roster_entries_company_id_key UNIQUE (company_id, id),
    CONSTRAINT roster_entries_dates CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT roster_entries_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id),
    CONSTRAINT roster_entries_agency_fk FOREIGN KEY (company_id, agency_id) REFERENCES agencies (company_id, id)
);
-- The same artist cannot hold the same role twice on one roster at once; NULLS NOT DISTINCT makes the
-- company's own roster (agency_id NULL) count as one roster.
CREATE UNIQUE INDEX roster_entries_unique_role ON roster_entries (company_id, agency_id, artist_id, role, starts_on) NULLS NOT DISTINCT;
CREATE INDEX roster_entries_company_artist ON roster_entries (company_id, artist_id);
CREATE INDEX roster_entries_company_agency ON roster_entries (company_id, agency_id, artist_id);

-- ---------------------------------------------------------------------------------------------
-- Companies: business metadata of the organisations the company deals with (promoters, venues' operators,
-- labels, sponsors …) and, with is_current, the company's own business profile. Never membership or access:
-- that is Platform Core's.
CREATE TABLE companies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    is_current boolean NOT NULL DEFAULT false,
    name text NOT NULL CONSTRAINT companies_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'other'
        CONSTRAINT companies_kind_check
        CHECK (kind IN ('promoter', 'venue_operator', 'label', 'publisher', 'sponsor', 'supplier', 'agency', 'management', 'festival', 'other')),
    status text NOT NULL DEFAULT 'active'
        CONSTRAINT companies_status_check CHECK (status IN ('active', 'inactive', 'archived')),
    legal_name text,
    registration_number text,
    tax_id text,
    email text CONSTRAINT companies_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text,
    website text,
    country_id uuid CONSTRAINT companies_country_fk REFERENCES countries (id),
    city text,
    address text,
    postal_code text,
    currency text CONSTRAINT companies_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    notes text,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT companies_company_id_key UNIQUE (company_id, id)
);
-- One business profile per tenant.
CREATE UNIQUE INDEX companies_one_current ON companies (company_id) WHERE is_current;
CREATE INDEX companies_company_name_trgm ON companies USING gin (company_id, name gin_trgm_ops);
CREATE INDEX companies_company_name ON companies (company_id, lower(name), id);
CREATE INDEX companies_company_email ON companies (company_id, lower(email)) WHERE email IS NOT NULL;
