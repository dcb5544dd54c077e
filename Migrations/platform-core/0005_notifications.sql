-- Notifications (issue 11): one inbox per user and workspace, filled by Platform Core itself (invitations, role
-- changes, removal …) and by the other services through POST /internal/notifications; preferences per event
-- type and channel decide what is stored (in-app) and what is e-mailed (through the outbox).

CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The stream's event id (SSE `id:`, `Last-Event-ID`). Writers for one user are serialised by an advisory
    -- lock held until commit, so a user's rows become visible in `seq` order: resuming after `seq` never skips
    -- a row that commits later with a smaller number.
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(type) <= 100),
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    body text CHECK (length(body) <= 2000),
    data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
    action_url text CHECK (length(action_url) <= 2048),
    -- Which service produced it (platform-core, venue, base …).
    source text NOT NULL CHECK (source ~ '^[a-z][a-z0-9_-]{0,39}$'),
    -- A producer's key for retried deliveries (another service's outbox): one row per user and key.
    dedupe_key text CHECK (length(dedupe_key) <= 200),
    read_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The inbox, newest first, and the unread count (partial: read rows are the many).
CREATE INDEX notifications_inbox ON notifications (workspace_id, user_id, seq DESC);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_dedupe ON notifications (workspace_id, user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
-- The stream is per user across workspaces (`jwt`, no x-org): resume by sequence.
CREATE INDEX notifications_stream ON notifications (user_id, seq);

-- A stored preference: one event type on one channel. Absent rows fall back to the catalog's defaults
-- (NotificationCatalog), so a new member needs no rows.
CREATE TABLE notification_preferences (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_type text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(event_type) <= 100),
    channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'whatsapp')),
    enabled boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notification_preferences_unique UNIQUE (workspace_id, user_id, event_type, channel)
);

-- "Mute all notifications for this event type" (v2 preferences): nothing is stored or sent while muted.
CREATE TABLE notification_mutes (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_type text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(event_type) <= 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, event_type)
);

-- E-mail delivery mode per user and workspace (absent = instant).
CREATE TABLE notification_email_settings (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery_mode text NOT NULL CHECK (delivery_mode IN ('instant', 'digest')),
    digest_frequency_minutes integer NOT NULL DEFAULT 60 CHECK (digest_frequency_minutes IN (30, 60)),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id)
);
