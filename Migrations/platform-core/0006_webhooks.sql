-- Webhooks (issue 11): per workspace, HTTPS callbacks for the workspace's activity, signed with a secret that is
-- shown once (sealed here with the service's sealing key, because signing needs it back), delivered from the outbox
-- with retries and backoff, every attempt logged.

CREATE TABLE webhooks (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description text CHECK (length(description) <= 2000),
    -- Activity actions (`member.invited`) or `<prefix>.*`; empty = every event.
    events text[] NOT NULL DEFAULT '{}' CHECK (cardinality(events) <= 50),
    is_active boolean NOT NULL DEFAULT true,
    -- AES-GCM box of the signing secret (associated data `webhook:<workspace_id>:<id>`).
    secret_sealed bytea NOT NULL,
    -- The secret's last four characters, so the masked form still tells two secrets apart.
    secret_hint text NOT NULL CHECK (length(secret_hint) <= 8),
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhooks_workspace_id UNIQUE (workspace_id, id)
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, created_at DESC);

-- The delivery log: one row per attempt (outbox deliveries and `test`).
CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    webhook_id uuid NOT NULL,
    -- The outbox message (null for `test`); the same for every attempt of one event.
    outbox_id uuid,
    event text NOT NULL CHECK (length(event) <= 200),
    attempt integer NOT NULL CHECK (attempt >= 1),
    status_code integer,
    duration_ms integer NOT NULL CHECK (duration_ms >= 0),
    error text CHECK (length(error) <= 500),
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workspace_id, webhook_id) REFERENCES webhooks (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (workspace_id, webhook_id, created_at DESC);

-- Enqueue inside the writer's transaction: every activity row becomes one outbox message per enabled webhook of its
-- workspace that subscribes to the action, so no feature has to know about webhooks and a rolled-back change sends
-- nothing. The message carries the event as it will be sent; the webhook's URL and secret are read at delivery time
-- (an edited URL or a regenerated secret applies to queued messages too).
CREATE FUNCTION webhooks_enqueue_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (company_id, topic, payload, idempotency_key)
    SELECT w.workspace_id, 'webhook',
           jsonb_build_object(
               'webhook_id', w.id,
               'event', NEW.action,
               'body', jsonb_build_object(
                   'id', NEW.id,
                   'event', NEW.action,
                   'created_at', NEW.created_at,
                   'workspace_id', NEW.workspace_id,
                   'data', jsonb_build_object(
                       'entity_type', NEW.entity_type,
                       'entity_id', NEW.entity_id,
                       'description', NEW.description,
                       'user_id', NEW.user_id,
                       'metadata', NEW.metadata))),
           'webhook:' || w.id || ':' || NEW.id
    FROM webhooks w
    WHERE w.workspace_id = NEW.workspace_id AND w.is_active
      AND (cardinality(w.events) = 0 OR EXISTS (
          SELECT 1 FROM unnest(w.events) AS e(name)
          WHERE e.name = NEW.action
             OR (right(e.name, 2) = '.*' AND left(NEW.action, length(e.name) - 1) = left(e.name, length(e.name) - 1))));
    RETURN NULL;
END
$$;

CREATE TRIGGER activity_webhooks AFTER INSERT ON activity FOR EACH ROW EXECUTE FUNCTION webhooks_enqueue_activity();

-- "Required permissions: Admin or webhook management permission": webhooks.manage (and webhooks.read) granted to
-- admins by default (owners have the whole catalog); an owner may grant them to a member or take them from admins.
INSERT INTO permissions (name, module, resource, action, description, owner_only, sort_order) VALUES
    ('webhooks.read', 'platform', 'webhooks', 'read', 'View webhooks (URLs, events, delivery status)', false, 192),
    ('webhooks.manage', 'platform', 'webhooks', 'manage', 'Create, edit, test and delete webhooks and regenerate their secrets', false, 194);

INSERT INTO role_permission_defaults (role, permission) VALUES
    ('owner', 'webhooks.read'), ('owner', 'webhooks.manage'),
    ('admin', 'webhooks.read'), ('admin', 'webhooks.manage');

INSERT INTO role_permissions (workspace_id, role, permission)
SELECT w.id, r.role, p.name
FROM workspaces w
CROSS JOIN (VALUES ('owner'), ('admin')) AS r(role)
CROSS JOIN (VALUES ('webhooks.read'), ('webhooks.manage')) AS p(name)
ON CONFLICT DO NOTHING;
