-- Insights (issue 14): tenant-written reviews of artists, venues and vendors; the figures every ranking and the trend
-- read (one function, so each ranking's statement states only its own grouping); the industry news feed.

-- ---------------------------------------------------------------------------------------------
-- Reviews: a member's rating (1–5) of one of the company's artists or linked venues (vendors: column ready, the API
-- accepts them once Base has a vendors table to check against). One subject column per kind, exactly one set, so the
-- database itself checks the subject is the company's and removes the reviews with it.
CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid,
    venue_id uuid,
    vendor_id uuid,
    rating smallint NOT NULL CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
    title text CONSTRAINT reviews_title_check CHECK (title IS NULL OR length(btrim(title)) BETWEEN 1 AND 200),
    body text CONSTRAINT reviews_body_check CHECK (body IS NULL OR length(body) <= 5000),
    author_id uuid NOT NULL,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT reviews_company_id_key UNIQUE (company_id, id),
    CONSTRAINT reviews_one_subject CHECK (num_nonnulls(artist_id, venue_id, vendor_id) = 1),
    CONSTRAINT reviews_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE,
    CONSTRAINT reviews_venue_fk FOREIGN KEY (company_id, venue_id) REFERENCES venue_links (company_id, venue_id) ON DELETE CASCADE
);
CREATE INDEX reviews_company_created ON reviews (company_id, created_at DESC, id);
CREATE INDEX reviews_company_artist ON reviews (company_id, artist_id, created_at DESC) WHERE artist_id IS NOT NULL;
CREATE INDEX reviews_company_venue ON reviews (company_id, venue_id, created_at DESC) WHERE venue_id IS NOT NULL;
CREATE INDEX reviews_company_vendor ON reviews (company_id, vendor_id, created_at DESC) WHERE vendor_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- The ticket figures of the company's events dated in [p_from, p_to], cancelled ones left out: tickets sold (tiers'
-- `sold`, comps not counted) and gross (tiers' `gross_minor`, what was recorded, discounts included) converted into
-- p_currency tier by tier at the event day's rate (`exchange_rate_for_line`, rounded half away from zero per tier,
-- then summed). `rate_missing`: the event sold in another currency and no rate is stored for its day — the callers
-- answer 422 exchange_rate_missing rather than rank on a guess. One row per event, tickets or not.
CREATE FUNCTION event_ticket_figures(p_company uuid, p_from date, p_to date, p_currency char(3))
RETURNS TABLE (event_id uuid, event_date date, currency char(3), venue_id uuid, festival_id uuid, sold bigint, gross_minor numeric,
               rate_missing boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH ev AS (
        SELECT e.id, e.event_date, e.currency, e.venue_id, e.festival_id FROM events e
        WHERE e.company_id = p_company AND e.status <> 'cancelled' AND e.event_date BETWEEN p_from AND p_to
    ),
    tiers AS (
        SELECT k.event_id, t.sold, t.gross_minor
        FROM event_tickets k
        JOIN event_ticket_tiers t ON t.company_id = k.company_id AND t.ticket_id = k.id
        WHERE k.company_id = p_company AND k.event_id IN (SELECT ev.id FROM ev)
    ),
    rates AS (
        SELECT p.currency, p.event_date, r.rate
        FROM (SELECT DISTINCT ev.currency, ev.event_date FROM ev JOIN tiers ON tiers.event_id = ev.id WHERE tiers.gross_minor <> 0) p
        LEFT JOIN LATERAL exchange_rate_for_line(p_company, p.currency, p_currency, p.event_date) r ON true
    )
    SELECT ev.id, ev.event_date, ev.currency, ev.venue_id, ev.festival_id,
           coalesce(sum(t.sold), 0)::bigint,
           coalesce(sum(CASE WHEN t.gross_minor = 0 THEN 0 ELSE convert_minor(t.gross_minor, ev.currency, p_currency, r.rate) END), 0),
           coalesce(bool_or(t.gross_minor <> 0 AND r.rate IS NULL), false)
    FROM ev
    LEFT JOIN tiers t ON t.event_id = ev.id
    LEFT JOIN rates r ON r.currency = ev.currency AND r.event_date = ev.event_date
    GROUP BY ev.id, ev.event_date, ev.currency, ev.venue_id, ev.festival_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Industry news: items of the configured RSS/Atom feeds, global (no company owns them; every member reads them),
-- written only by the refresh job. De-duplicated per feed on the item's key: its guid/id, else its link, else its
-- title and date (`NewsFeedParser`), hashed so a long id cannot break the index.
CREATE TABLE news_items (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    feed_url text NOT NULL CONSTRAINT news_items_feed_url_check CHECK (length(feed_url) BETWEEN 1 AND 2000),
    item_key bytea NOT NULL CONSTRAINT news_items_item_key_check CHECK (length(item_key) = 32),
    source text NOT NULL CONSTRAINT news_items_source_check CHECK (length(source) BETWEEN 1 AND 200),
    title text NOT NULL CONSTRAINT news_items_title_check CHECK (length(title) BETWEEN 1 AND 500),
    link text CONSTRAINT news_items_link_check CHECK (link IS NULL OR length(link) <= 2000),
    summary text CONSTRAINT news_items_summary_check CHECK (summary IS NULL OR length(summary) <= 5000),
    author text CONSTRAINT news_items_author_check CHECK (author IS NULL OR length(author) <= 200),
    published_at timestamptz,
    fetched_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT news_items_feed_key UNIQUE (feed_url, item_key)
);
-- The page order: newest first (an item without a date counts from when it was fetched).
CREATE INDEX news_items_newest ON news_items ((coalesce(published_at, fetched_at)) DESC, id);
CREATE INDEX news_items_source ON news_items (lower(source), (coalesce(published_at, fetched_at)) DESC);
CREATE INDEX news_items_title_trgm ON news_items USING gin (title gin_trgm_ops);
