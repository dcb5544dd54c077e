-- The roots of the booking side (issue 9): tours and series (event groups), events with their artists, offers
-- with their revisions, and the approval queue those flows feed. Children (tickets, agreements, documents,
-- tasks, festivals, calendar feeds, settlements) come in later migrations, each with its feature.
-- Conventions as in 0002: company_id on every table and first in every index, children reference parents
-- through (company_id, parent_id), money in bigint minor units beside an ISO 4217 currency.

-- ---------------------------------------------------------------------------------------------
-- Event groups: a tour, a series or a residency — events grouped for planning and a financial roll-up.
CREATE TABLE event_groups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT event_groups_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'tour'
        CONSTRAINT event_groups_kind_check CHECK (kind IN ('tour', 'series', 'residency', 'other')),
    status text NOT NULL DEFAULT 'planning'
        CONSTRAINT event_groups_status_check CHECK (status IN ('planning', 'confirmed', 'on_sale', 'completed', 'cancelled')),
    -- The headlining artist of a tour; a series may have none.
    artist_id uuid,
    starts_on date CONSTRAINT event_groups_starts_on_check CHECK (starts_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    ends_on date CONSTRAINT event_groups_ends_on_check CHECK (ends_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    -- The currency the roll-up reports in.
    currency char(3) NOT NULL CONSTRAINT event_groups_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    notes text CONSTRAINT event_groups_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_groups_company_id_key UNIQUE (company_id, id),
    CONSTRAINT event_groups_dates_ordered CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT event_groups_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id)
);
CREATE INDEX event_groups_company_starts ON event_groups (company_id, starts_on, id);
CREATE INDEX event_groups_company_name_trgm ON event_groups USING gin (company_id, name gin_trgm_ops);

-- ---------------------------------------------------------------------------------------------
-- Events: one night (or day) of live music at a venue. The venue is Venue's (its id, no foreign key across
-- services) with a snapshot of its name and city, so lists and documents never need a cross-service call.
CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT events_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT events_status_check CHECK (status IN ('draft', 'hold', 'confirmed', 'announced', 'on_sale',
                                                          'completed', 'settled', 'cancelled')),
    event_date date NOT NULL CONSTRAINT events_event_date_check CHECK (event_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    doors_time time,
    show_time time,
    curfew_time time,
    -- IANA name; times above are local wall-clock times in it.
    timezone text NOT NULL DEFAULT 'UTC' CONSTRAINT events_timezone_check CHECK (length(timezone) BETWEEN 1 AND 64),
    venue_id uuid,
    venue_name text CONSTRAINT events_venue_name_check CHECK (venue_name IS NULL OR length(btrim(venue_name)) BETWEEN 1 AND 200),
    city text CONSTRAINT events_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    country_id uuid CONSTRAINT events_country_fk REFERENCES countries (id),
    capacity integer CONSTRAINT events_capacity_check CHECK (capacity BETWEEN 0 AND 1000000),
    -- The event's reporting currency: its financials and settlement are stated in it.
    currency char(3) NOT NULL CONSTRAINT events_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    event_group_id uuid,
    description text CONSTRAINT events_description_check CHECK (description IS NULL OR length(description) <= 10000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT events_company_id_key UNIQUE (company_id, id),
    -- Deleting a tour keeps its events (they leave the group); company_id is never nulled.
    CONSTRAINT events_event_group_fk FOREIGN KEY (company_id, event_group_id)
        REFERENCES event_groups (company_id, id) ON DELETE SET NULL (event_group_id)
);
CREATE INDEX events_company_date ON events (company_id, event_date, id);
CREATE INDEX events_company_status_date ON events (company_id, status, event_date);
CREATE INDEX events_company_venue_date ON events (company_id, venue_id, event_date) WHERE venue_id IS NOT NULL;
CREATE INDEX events_company_group ON events (company_id, event_group_id, event_date) WHERE event_group_id IS NOT NULL;
CREATE INDEX events_company_name_trgm ON events USING gin (company_id, name gin_trgm_ops);

-- The artists on an event's bill, in billing order.
CREATE TABLE event_artists (
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    role text NOT NULL DEFAULT 'headliner'
        CONSTRAINT event_artists_role_check CHECK (role IN ('headliner', 'co_headliner', 'support', 'special_guest', 'dj', 'other')),
    billing_order integer NOT NULL DEFAULT 1 CONSTRAINT event_artists_billing_order_check CHECK (billing_order BETWEEN 1 AND 1000),
    set_time time,
    set_minutes integer CONSTRAINT event_artists_set_minutes_check CHECK (set_minutes BETWEEN 1 AND 1440),
    added_by uuid NOT NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_artists_pkey PRIMARY KEY (company_id, event_id, artist_id),
    CONSTRAINT event_artists_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE,
    -- Not cascading: an artist on a bill is refused deletion (409 artist_in_use).
    CONSTRAINT event_artists_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id)
);
CREATE INDEX event_artists_company_artist ON event_artists (company_id, artist_id, event_id);

-- ---------------------------------------------------------------------------------------------
-- Offers: what a promoter offers an artist for a date, with a deal (`deal`, the deal engine's DealTerms as
-- JSON) and the ticket scenario its potential is computed on. The state machine lives in one Swift place
-- (Offers/OfferStatus.swift); the CHECK only lists the states.
CREATE TABLE offers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    -- Set when the offer is for an existing event, or once an accepted offer is converted into one.
    event_id uuid,
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT offers_status_check CHECK (status IN ('draft', 'pending_approval', 'sent', 'countered', 'accepted',
                                                          'rejected', 'cancelled', 'converted')),
    event_date date NOT NULL CONSTRAINT offers_event_date_check CHECK (event_date BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    venue_id uuid,
    venue_name text CONSTRAINT offers_venue_name_check CHECK (venue_name IS NULL OR length(btrim(venue_name)) BETWEEN 1 AND 200),
    city text CONSTRAINT offers_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    currency char(3) NOT NULL CONSTRAINT offers_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- The deal terms (DealTerms), the ticket scenario (capacity and price tiers) and the potential the deal
    -- engine computed from both at the last save.
    deal jsonb NOT NULL,
    scenario jsonb NOT NULL,
    potential jsonb NOT NULL,
    -- The guarantee, denormalized for filters, sorting and the approval threshold.
    guarantee_minor bigint NOT NULL CONSTRAINT offers_guarantee_check CHECK (guarantee_minor BETWEEN 0 AND 100000000000000),
    expires_on date CONSTRAINT offers_expires_on_check CHECK (expires_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    notes text CONSTRAINT offers_notes_check CHECK (notes IS NULL OR length(notes) <= 10000),
    sent_at timestamptz,
    decided_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT offers_company_id_key UNIQUE (company_id, id),
    CONSTRAINT offers_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id),
    CONSTRAINT offers_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX offers_company_created ON offers (company_id, created_at DESC, id);
CREATE INDEX offers_company_artist_date ON offers (company_id, artist_id, event_date);
CREATE INDEX offers_company_status_date ON offers (company_id, status, event_date);
CREATE INDEX offers_company_event ON offers (company_id, event_id) WHERE event_id IS NOT NULL;

-- Every change of an offer: who, when, which action, what changed, and the offer as it then stood.
CREATE TABLE offer_revisions (
    company_id uuid NOT NULL,
    offer_id uuid NOT NULL,
    -- The offer's version this revision produced (1 = created).
    version integer NOT NULL,
    action text NOT NULL CONSTRAINT offer_revisions_action_check CHECK (length(action) BETWEEN 1 AND 40),
    changed_by uuid NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- {"field": {"from": …, "to": …}} for each field the change touched.
    changes jsonb NOT NULL DEFAULT '{}',
    snapshot jsonb NOT NULL,
    CONSTRAINT offer_revisions_pkey PRIMARY KEY (company_id, offer_id, version),
    CONSTRAINT offer_revisions_offer_fk FOREIGN KEY (company_id, offer_id) REFERENCES offers (company_id, id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Approval queue: items created by the flows that need a second pair of eyes (an offer above the company's
-- threshold, an expense, a settlement); a decision moves the source object (Approval/ApprovalRepository).
CREATE TABLE approval_items (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    source_type text NOT NULL CONSTRAINT approval_items_source_type_check CHECK (source_type IN ('offer', 'expense', 'settlement')),
    source_id uuid NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CONSTRAINT approval_items_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    title text NOT NULL CONSTRAINT approval_items_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    amount_minor bigint,
    currency char(3) CONSTRAINT approval_items_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    requested_by uuid NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decided_by uuid,
    decided_at timestamptz,
    decision_note text CONSTRAINT approval_items_note_check CHECK (decision_note IS NULL OR length(decision_note) <= 2000),
    CONSTRAINT approval_items_company_id_key UNIQUE (company_id, id),
    CONSTRAINT approval_items_amount_currency CHECK ((amount_minor IS NULL) = (currency IS NULL)),
    CONSTRAINT approval_items_decided CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- One open request per source object.
CREATE UNIQUE INDEX approval_items_one_pending ON approval_items (company_id, source_type, source_id) WHERE status = 'pending';
CREATE INDEX approval_items_company_status ON approval_items (company_id, status, requested_at DESC, id);
CREATE INDEX approval_items_company_requester ON approval_items (company_id, requested_by, requested_at DESC);
CREATE INDEX approval_items_company_source ON approval_items (company_id, source_type, source_id);

-- The company's thresholds: an offer (guarantee) or expense at or above the amount in that currency needs approval.
CREATE TABLE approval_thresholds (
    company_id uuid NOT NULL,
    source_type text NOT NULL CONSTRAINT approval_thresholds_source_type_check CHECK (source_type IN ('offer', 'expense', 'settlement')),
    currency char(3) NOT NULL CONSTRAINT approval_thresholds_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    threshold_minor bigint NOT NULL CONSTRAINT approval_thresholds_amount_check CHECK (threshold_minor BETWEEN 0 AND 100000000000000),
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT approval_thresholds_pkey PRIMARY KEY (company_id, source_type, currency)
);
