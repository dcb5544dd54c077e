-- Promoter service schema (issue 7): canonical promoter events.
--
-- Conventions (as in Migrations/venue): the table carries company_id and every index leads with it
-- (every read names the company: tenant routes by membership, the internal resolver by x-org); times
-- are timestamptz. One exception, on purpose: legacy_id, the Mongo _id events had before Kisum, is
-- unique across companies. The resolver takes either id form, and a legacy id naming two events would
-- make its answer depend on which company asked.

CREATE TABLE promoter_events (
    -- The canonical event id (Venue stores it as promoterEventId); random, so unique in practice everywhere.
    public_event_id uuid NOT NULL DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    -- Stored in lower case (the service normalises), so one Mongo id has one spelling.
    legacy_id text
        CONSTRAINT promoter_events_legacy_id_format CHECK (legacy_id ~ '^[0-9a-f]{24}$'),
    title text NOT NULL
        CONSTRAINT promoter_events_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    -- An IANA zone name; the service checks it against the zone database before writing.
    timezone text NOT NULL
        CONSTRAINT promoter_events_timezone_length CHECK (char_length(timezone) BETWEEN 1 AND 100),
    -- Venue's venue (its uuid id); not a foreign key: venues live in the Venue service's database.
    venue_id uuid,
    venue_name text
        CONSTRAINT promoter_events_venue_name_length CHECK (char_length(venue_name) <= 200),
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT promoter_events_status_check CHECK (status IN ('draft', 'announced', 'on_sale', 'completed', 'cancelled')),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT promoter_events_time_order CHECK (ends_at IS NULL OR ends_at > starts_at),
    -- Also the target of (company_id, public_event_id) foreign keys from the event's future child tables.
    CONSTRAINT promoter_events_pkey PRIMARY KEY (company_id, public_event_id),
    CONSTRAINT promoter_events_legacy_id_key UNIQUE (legacy_id)
);

-- The list's order (startAt, then id) and its fromAt/toAt window.
CREATE INDEX promoter_events_company_start ON promoter_events (company_id, starts_at, public_event_id);
CREATE INDEX promoter_events_company_status ON promoter_events (company_id, status, starts_at);
CREATE INDEX promoter_events_company_venue ON promoter_events (company_id, venue_id, starts_at) WHERE venue_id IS NOT NULL;
