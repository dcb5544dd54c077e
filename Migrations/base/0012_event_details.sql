-- Events' own details (issue 9, Events group): the cancellation and confirmation marks on the event, its documents
-- (stored here as bytea: they are small paperwork, capped at 10 MiB, and go with the event), its activity log and
-- the users' calendar feeds. Conventions as in 0009: company_id first in every key and index, children
-- reference events through (company_id, event_id).

ALTER TABLE events
    ADD COLUMN confirmed_at timestamptz,
    ADD COLUMN cancelled_at timestamptz,
    ADD COLUMN cancellation_reason text
        CONSTRAINT events_cancellation_reason_check CHECK (cancellation_reason IS NULL OR length(cancellation_reason) <= 2000);

-- Documents of an event (contracts, riders, tech specs, artwork): the type is what the bytes are (sniffed), not
-- what the client declared. Deleting the event deletes them.
CREATE TABLE event_documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    file_name text NOT NULL CONSTRAINT event_documents_file_name_check CHECK (length(btrim(file_name)) BETWEEN 1 AND 200),
    content_type text NOT NULL CONSTRAINT event_documents_content_type_check CHECK (length(content_type) BETWEEN 1 AND 100),
    size_bytes integer NOT NULL CONSTRAINT event_documents_size_check CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256 text NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_documents_company_id_key UNIQUE (company_id, id),
    CONSTRAINT event_documents_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_documents_company_event ON event_documents (company_id, event_id, uploaded_at);

-- Every state-changing Events route writes one row here in its own transaction: who, when, which action and
-- {"field": {"from": …, "to": …}} for what changed (event_changes below for whole-row edits).
CREATE TABLE event_activity (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    action text NOT NULL CONSTRAINT event_activity_action_check CHECK (length(action) BETWEEN 1 AND 40),
    actor_id uuid NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    changes jsonb NOT NULL DEFAULT '{}',
    CONSTRAINT event_activity_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_activity_company_event_at ON event_activity (company_id, event_id, at, id);

-- The fields that differ between two versions of an event row (to_jsonb of each), as {"field": {"from", "to"}};
-- bookkeeping columns are left out.
CREATE FUNCTION event_changes(old jsonb, new jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(jsonb_object_agg(n.key, jsonb_build_object('from', o.value, 'to', n.value)), '{}'::jsonb)
    FROM jsonb_each(new) n JOIN jsonb_each(old) o ON o.key = n.key
    WHERE n.value IS DISTINCT FROM o.value
      AND n.key NOT IN ('id', 'company_id', 'version', 'created_by', 'created_at', 'updated_at')
$$;

-- A user's calendar feed: a secret URL (the token in its path) serving the company's events, holds and tours as
-- iCalendar. Only the token's SHA-256 is kept; deleting the row revokes the feed. Looked up by the hash alone
-- (the public route knows no company), hence the one index that does not lead with company_id.
CREATE TABLE calendar_feeds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT calendar_feeds_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    token_sha256 bytea NOT NULL CONSTRAINT calendar_feeds_token_check CHECK (length(token_sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_used_at timestamptz,
    CONSTRAINT calendar_feeds_company_id_key UNIQUE (company_id, id)
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_sha256);
CREATE INDEX calendar_feeds_company_user ON calendar_feeds (company_id, user_id, created_at);
