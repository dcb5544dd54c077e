-- What hangs off an artist (issue 8, Artists group): the people around the artist, the artist's social and
-- streaming profiles with the audience snapshots recorded for them, and when the bio was last saved.
-- Children reference the artist through (company_id, artist_id) and cascade with it: deleting an artist takes
-- its contacts, platform links and their snapshots along (roster entries do not cascade: the delete is refused).

-- The bio (text and the editor's document) lives on the artist row since 0002; saving it does not bump the
-- artist's version (a bio save and an edit of the artist's fields never overwrite each other), so it keeps a
-- time of its own.
ALTER TABLE artists ADD COLUMN bio_updated_at timestamptz;

-- Name search must answer in milliseconds at any time: with GIN's fast update, new names wait in a pending list
-- that every search scans linearly until a vacuum merges it (3,600 pending names made the index scan of a search
-- over 100,000 artists 15 times slower). Artists are written far less often than searched, so each insert
-- updates the index in place instead.
ALTER INDEX artists_company_name_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list('artists_company_name_trgm'::regclass);

-- The list and search filter by city (case-insensitively, as typed).
CREATE INDEX artists_company_city ON artists (company_id, lower(city)) WHERE city IS NOT NULL;
-- Search text too short for trigrams (one or two letters) matches names starting with it: a range of this index,
-- C-collated so `LIKE 'ab%'` is a range whatever the database's collation, and in byte order the name equal to
-- the text comes first. The name is included so the count and the page are index-only scans (an expression
-- index alone cannot answer them: the planner wants the column the expression reads).
CREATE INDEX artists_company_name_prefix ON artists (company_id, (lower(name) COLLATE "C"), id) INCLUDE (name);

-- How many artists a company has, by status and kind, kept by statement triggers. A list's total is otherwise a
-- count over every matching row: for the plain list of 100,000 artists that count was nearly all of the
-- statement's time (the page itself is 20 rows off the name or creation index), so a list filtered by nothing
-- but status and kind sums these rows instead.
CREATE TABLE artist_counts (
    company_id uuid NOT NULL,
    status text NOT NULL,
    kind text NOT NULL,
    artists bigint NOT NULL,
    PRIMARY KEY (company_id, status, kind)
);

CREATE FUNCTION artist_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Net change per (company, status, kind): an update that keeps both touches no counter row. Rows are
    -- upserted in key order so two writers never take the same counter rows in opposite orders.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO artist_counts AS c (company_id, status, kind, artists)
        SELECT company_id, status, kind, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, status, kind) DO UPDATE SET artists = c.artists + excluded.artists;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO artist_counts AS c (company_id, status, kind, artists)
        SELECT company_id, status, kind, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, status, kind) DO UPDATE SET artists = c.artists + excluded.artists;
    ELSE
        INSERT INTO artist_counts AS c (company_id, status, kind, artists)
        SELECT company_id, status, kind, sum(change) FROM (
            SELECT company_id, status, kind, 1 AS change FROM new_rows
            UNION ALL
            SELECT company_id, status, kind, -1 FROM old_rows) moved
        GROUP BY 1, 2, 3 HAVING sum(change) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (company_id, status, kind) DO UPDATE SET artists = c.artists + excluded.artists;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER artist_counts_insert AFTER INSERT ON artists
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION artist_counts_apply();
CREATE TRIGGER artist_counts_delete AFTER DELETE ON artists
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION artist_counts_apply();
CREATE TRIGGER artist_counts_update AFTER UPDATE ON artists
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION artist_counts_apply();

INSERT INTO artist_counts (company_id, status, kind, artists)
SELECT company_id, status, kind, count(*) FROM artists GROUP BY 1, 2, 3;

-- ---------------------------------------------------------------------------------------------
-- People around an artist: manager, agent, tour manager … At most one is the primary contact.
CREATE TABLE artist_contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT artist_contacts_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role text NOT NULL DEFAULT 'other'
        CONSTRAINT artist_contacts_role_check
        CHECK (role IN ('manager', 'agent', 'tour_manager', 'publicist', 'promoter', 'label', 'lawyer', 'accountant', 'other')),
    email text CONSTRAINT artist_contacts_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text,
    company_name text,
    notes text,
    is_primary boolean NOT NULL DEFAULT false,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artist_contacts_company_id_key UNIQUE (company_id, id),
    CONSTRAINT artist_contacts_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);
CREATE INDEX artist_contacts_company_artist ON artist_contacts (company_id, artist_id, is_primary DESC, lower(name), id);
CREATE UNIQUE INDEX artist_contacts_one_primary ON artist_contacts (company_id, artist_id) WHERE is_primary;

-- ---------------------------------------------------------------------------------------------
-- An artist's profile on a social or streaming platform. The same URL is linked once per platform.
CREATE TABLE artist_platforms (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    artist_id uuid NOT NULL,
    platform text NOT NULL
        CONSTRAINT artist_platforms_platform_check
        CHECK (platform IN ('spotify', 'apple_music', 'youtube', 'instagram', 'tiktok', 'soundcloud', 'bandcamp', 'facebook',
                            'x', 'deezer', 'website', 'other')),
    url text NOT NULL CONSTRAINT artist_platforms_url_check CHECK (url LIKE 'https://%' AND length(url) <= 2048),
    handle text CONSTRAINT artist_platforms_handle_check CHECK (handle IS NULL OR length(handle) <= 100),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artist_platforms_company_id_key UNIQUE (company_id, id),
    CONSTRAINT artist_platforms_unique_link UNIQUE (company_id, artist_id, platform, url),
    CONSTRAINT artist_platforms_artist_fk FOREIGN KEY (company_id, artist_id) REFERENCES artists (company_id, id) ON DELETE CASCADE
);

-- Audience figures of one platform profile at one moment, as recorded (no external call fills this table).
-- Growth is computed from these rows; one snapshot per profile and instant keeps the first/last pick exact.
CREATE TABLE artist_platform_stats (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    platform_id uuid NOT NULL,
    recorded_at timestamptz NOT NULL,
    followers bigint CONSTRAINT artist_platform_stats_followers_check CHECK (followers >= 0),
    monthly_listeners bigint CONSTRAINT artist_platform_stats_monthly_listeners_check CHECK (monthly_listeners >= 0),
    streams bigint CONSTRAINT artist_platform_stats_streams_check CHECK (streams >= 0),
    views bigint CONSTRAINT artist_platform_stats_views_check CHECK (views >= 0),
    likes bigint CONSTRAINT artist_platform_stats_likes_check CHECK (likes >= 0),
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artist_platform_stats_some_figure CHECK (num_nonnulls(followers, monthly_listeners, streams, views, likes) > 0),
    CONSTRAINT artist_platform_stats_one_per_instant UNIQUE (company_id, platform_id, recorded_at),
    CONSTRAINT artist_platform_stats_platform_fk FOREIGN KEY (company_id, platform_id)
        REFERENCES artist_platforms (company_id, id) ON DELETE CASCADE
);
