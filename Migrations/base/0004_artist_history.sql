-- An artist's show history (issue 8, Artists: history, events, stats, demographics, predictions). Everything
-- those routes answer is computed from these rows; nothing is fetched from outside.
--
-- Bounds are checked here as well as in the request bodies, because rows also arrive by import (setlist.fm,
-- issue 14; Base events, issue 9) and the read side does arithmetic on them: tickets and capacity stay within
-- 10,000,000, amounts within 10^15 minor units (the kernel's MinorUnits.max), dates within 1900–2199, so the
-- sums and the prediction model cannot overflow or underflow.

CREATE TABLE artist_shows (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    performed_on date NOT NULL
        CONSTRAINT artist_shows_performed_on_check CHECK (performed_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    venue_name text CONSTRAINT artist_shows_venue_name_check CHECK (venue_name IS NULL OR length(btrim(venue_name)) BETWEEN 1 AND 200),
    city text CONSTRAINT artist_shows_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    country_id uuid CONSTRAINT artist_shows_country_fk REFERENCES countries (id),
    capacity integer CONSTRAINT artist_shows_capacity_check CHECK (capacity BETWEEN 0 AND 10000000),
    tickets_sold integer CONSTRAINT artist_shows_tickets_sold_check CHECK (tickets_sold BETWEEN 0 AND 10000000),
    gross_minor bigint CONSTRAINT artist_shows_gross_minor_check CHECK (gross_minor BETWEEN 0 AND 1000000000000000),
    gross_currency text CONSTRAINT artist_shows_gross_currency_check CHECK (gross_currency ~ '^[A-Z]{3}$'),
    fee_minor bigint CONSTRAINT artist_shows_fee_minor_check CHECK (fee_minor BETWEEN 0 AND 1000000000000000),
    fee_currency text CONSTRAINT artist_shows_fee_currency_check CHECK (fee_currency ~ '^[A-Z]{3}$'),
    status text NOT NULL DEFAULT 'played'
        CONSTRAINT artist_shows_status_check CHECK (status IN ('played', 'cancelled', 'scheduled')),
    -- Where the row came from: typed in (manual), imported from setlist.fm (issue 14) or from a Base event (issue 9).
    source text NOT NULL DEFAULT 'manual'
        CONSTRAINT artist_shows_source_check CHECK (source IN ('manual', 'setlistfm', 'event')),
    -- The id of the row at its source (a setlist id, an event id); imports upsert on it, so running one twice
    -- adds nothing. NULLs are distinct, so manual rows without one never collide.
    external_ref text CONSTRAINT artist_shows_external_ref_check CHECK (external_ref IS NULL OR length(external_ref) BETWEEN 1 AND 200),
    notes text CONSTRAINT artist_shows_notes_check CHECK (notes IS NULL OR length(notes) <= 2000),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artist_shows_company_id_key UNIQUE (company_id, id),
    CONSTRAINT artist_shows_tickets_within_capacity CHECK (tickets_sold IS NULL OR capacity IS NULL OR tickets_sold <= capacity),
    CONSTRAINT artist_shows_gross_currency_required CHECK ((gross_minor IS NULL) = (gross_currency IS NULL)),
    CONSTRAINT artist_shows_fee_currency_required CHECK ((fee_minor IS NULL) = (fee_currency IS NULL)),
    CONSTRAINT artist_shows_external_ref_key UNIQUE (company_id, artist_id, source, external_ref),
    CONSTRAINT artist_shows_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);
-- Every read is one artist's shows by date (history newest first, events either way, stats and models).
CREATE INDEX artist_shows_company_artist_date ON artist_shows (company_id, artist_id, performed_on DESC, id);

-- The stored stats snapshot: one row per artist, written by POST …/stats/refresh. The trigger below drops it
-- whenever the artist's shows change, so a stored snapshot always equals what a live computation would answer.
-- A refresh racing a write must not store numbers that miss the write: writers take a shared advisory lock on
-- the artist (in the trigger, held to their commit), a refresh takes it exclusively before computing, so
-- either the refresh waits and sees the write, or the write waits and then drops the fresh snapshot.
CREATE TABLE artist_stats (
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    stats jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, artist_id),
    CONSTRAINT artist_stats_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);

-- The advisory lock key of one artist's stats (another artist hashing alike only waits a little longer).
CREATE FUNCTION artist_stats_lock_key(artist uuid) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT hashtextextended('artist_stats:' || artist::text, 0)
$$;

CREATE FUNCTION artist_stats_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_advisory_xact_lock_shared(artist_stats_lock_key(OLD.artist_id));
        DELETE FROM artist_stats WHERE company_id = OLD.company_id AND artist_id = OLD.artist_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_advisory_xact_lock_shared(artist_stats_lock_key(NEW.artist_id));
        DELETE FROM artist_stats WHERE company_id = NEW.company_id AND artist_id = NEW.artist_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER artist_shows_invalidate_stats AFTER INSERT OR UPDATE OR DELETE ON artist_shows
    FOR EACH ROW EXECUTE FUNCTION artist_stats_invalidate();

-- Predictions as they were answered: the model (v1, v2, v3), its input and its output, kept so a prediction
-- can be shown again and compared with what happened.
CREATE TABLE artist_predictions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    model text NOT NULL CONSTRAINT artist_predictions_model_check CHECK (model IN ('v1', 'v2', 'v3')),
    input jsonb NOT NULL,
    output jsonb NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT artist_predictions_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);
CREATE INDEX artist_predictions_company_artist_created ON artist_predictions (company_id, artist_id, created_at DESC, id);
