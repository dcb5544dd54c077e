-- Avails (issue 9, "Avails and holds"): an artist's date holds. Active holds (hold, confirmed) on one artist and
-- day carry consecutive ranks 1..n (1 = first hold) in the order they joined that day; releasing, converting or
-- deleting one promotes every hold behind it by one, in the same transaction. Closed avails (released,
-- converted) keep no rank. Writers serialize per artist with a transaction-level advisory lock
-- (avails_lock_key), so two holds created at once on one day get n+1 and n+2, never the same rank.

CREATE TABLE avails (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    held_on date NOT NULL CONSTRAINT avails_held_on_check CHECK (held_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    rank integer CONSTRAINT avails_rank_check CHECK (rank BETWEEN 1 AND 1000000),
    status text NOT NULL DEFAULT 'hold'
        CONSTRAINT avails_status_check CHECK (status IN ('hold', 'confirmed', 'released', 'converted')),
    venue_name text CONSTRAINT avails_venue_name_check CHECK (venue_name IS NULL OR length(btrim(venue_name)) BETWEEN 1 AND 200),
    city text CONSTRAINT avails_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    country_id uuid CONSTRAINT avails_country_fk REFERENCES countries (id),
    promoter_name text CONSTRAINT avails_promoter_name_check CHECK (promoter_name IS NULL OR length(btrim(promoter_name)) BETWEEN 1 AND 200),
    notes text CONSTRAINT avails_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    expires_on date CONSTRAINT avails_expires_on_check CHECK (expires_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT avails_company_id_key UNIQUE (company_id, id),
    -- Only active holds hold a place in the queue; only the first may be confirmed.
    CONSTRAINT avails_rank_when_active CHECK ((status IN ('hold', 'confirmed')) = (rank IS NOT NULL)),
    CONSTRAINT avails_confirmed_first CHECK (status <> 'confirmed' OR rank = 1),
    CONSTRAINT avails_expires_by_date CHECK (expires_on IS NULL OR expires_on <= held_on),
    -- Not cascading: an artist with holds is refused deletion (409 artist_in_use), holds are business records.
    CONSTRAINT avails_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id)
);

-- One active hold per rank on an artist's day. Deferred to commit: a promotion shifts several ranks by one in
-- a single UPDATE, which passes through momentary duplicates row by row.
ALTER TABLE avails ADD CONSTRAINT avails_unique_rank
    EXCLUDE USING btree (company_id WITH =, artist_id WITH =, held_on WITH =, rank WITH =)
    WHERE (status IN ('hold', 'confirmed')) DEFERRABLE INITIALLY DEFERRED;

CREATE INDEX avails_company_date ON avails (company_id, held_on, rank, id);
CREATE INDEX avails_company_artist_date ON avails (company_id, artist_id, held_on, rank);
CREATE INDEX avails_company_created_by ON avails (company_id, created_by, held_on);

-- The advisory lock key every avail writer takes for the artist (another artist hashing alike only waits).
CREATE FUNCTION avails_lock_key(artist uuid) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended('avails:' || artist::text, 0)
$$;

-- Shows (an artist's history, 0004) an avail turned into or is tied to; the show must be the avail's artist's
-- (checked by the linking INSERT's join). Deleting either side drops the link.
CREATE TABLE avail_shows (
    company_id uuid NOT NULL,
    avail_id uuid NOT NULL,
    show_id uuid NOT NULL,
    linked_by uuid NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT avail_shows_pkey PRIMARY KEY (company_id, avail_id, show_id),
    CONSTRAINT avail_shows_avail_fk FOREIGN KEY (company_id, avail_id) REFERENCES avails (company_id, id) ON DELETE CASCADE,
    CONSTRAINT avail_shows_show_fk FOREIGN KEY (company_id, show_id) REFERENCES artist_shows (company_id, id) ON DELETE CASCADE
);
CREATE INDEX avail_shows_company_show ON avail_shows (company_id, show_id);
