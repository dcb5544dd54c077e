-- Billing & Subscription (issue 11): the tier catalog (features and limits), the subscription's plan state,
-- and Stripe webhook events (the unique event id makes a replayed event change nothing).

-- Features a tier can switch on; GET /billing/features lists all of them with the workspace's status.
CREATE TABLE billing_features (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    name text NOT NULL,
    description text NOT NULL,
    sort_order int NOT NULL
);

-- Limit types are counted from Platform Core's own tables (BillingUsageRepository): adding one here needs
-- its counting query there.
CREATE TABLE billing_limit_types (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    name text NOT NULL,
    description text NOT NULL,
    sort_order int NOT NULL
);

-- Prices in integer minor units with their currency. `rank` orders tiers: a higher rank is an upgrade.
CREATE TABLE billing_tiers (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,63}$'),
    name text NOT NULL,
    description text NOT NULL,
    rank int NOT NULL UNIQUE,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    monthly_amount bigint NOT NULL CHECK (monthly_amount >= 0),
    yearly_amount bigint NOT NULL CHECK (yearly_amount >= 0),
    -- A one-time purchase of `duration_months` of the tier; NULL = not sold that way.
    one_time_amount bigint CHECK (one_time_amount >= 0),
    duration_months int CHECK (duration_months BETWEEN 1 AND 60),
    -- Free tiers are not sold (no checkout).
    purchasable boolean NOT NULL,
    CHECK ((one_time_amount IS NULL) = (duration_months IS NULL))
);

CREATE TABLE billing_tier_features (
    tier text NOT NULL REFERENCES billing_tiers (key) ON DELETE CASCADE,
    feature text NOT NULL REFERENCES billing_features (key) ON DELETE CASCADE,
    PRIMARY KEY (tier, feature)
);

-- No row for a limit type = unlimited on that tier.
CREATE TABLE billing_tier_limits (
    tier text NOT NULL REFERENCES billing_tiers (key) ON DELETE CASCADE,
    limit_type text NOT NULL REFERENCES billing_limit_types (key) ON DELETE CASCADE,
    max_value bigint NOT NULL CHECK (max_value >= 0),
    PRIMARY KEY (tier, limit_type)
);

INSERT INTO billing_features (key, name, description, sort_order) VALUES
    ('core', 'Core workspace', 'Members, roles, modules and the activity feed.', 10),
    ('teams', 'Teams', 'Organise members into teams.', 20),
    ('api_access', 'API access', 'API keys for integrations.', 30),
    ('webhooks', 'Webhooks', 'Signed webhook deliveries to your systems.', 40),
    ('exports', 'Exports', 'Activity and data exports.', 50),
    ('advanced_permissions', 'Advanced permissions', 'Per-role permission changes.', 60),
    ('priority_support', 'Priority support', 'Answers within one business day.', 70);

INSERT INTO billing_limit_types (key, name, description, sort_order) VALUES
    ('members', 'Seats', 'Active, suspended and invited members of the workspace.', 10),
    ('pending_invitations', 'Pending invitations', 'Invitations not accepted yet.', 20),
    ('api_keys', 'API keys', 'API keys that are not revoked.', 30),
    ('teams', 'Teams', 'Teams in the workspace.', 40),
    ('workspaces', 'Workspaces', 'Active workspaces owned by the workspace''s owner.', 50);

INSERT INTO billing_tiers (key, name, description, rank, currency, monthly_amount, yearly_amount, one_time_amount, duration_months, purchasable) VALUES
    ('free', 'Free', 'For trying Kisum with a small crew.', 0, 'EUR', 0, 0, NULL, NULL, false),
    ('starter', 'Starter', 'For small teams.', 10, 'EUR', 2900, 29000, 29000, 12, true),
    ('pro', 'Pro', 'For growing agencies and venues.', 20, 'EUR', 7900, 79000, 79000, 12, true),
    ('enterprise', 'Enterprise', 'No limits.', 30, 'EUR', 24900, 249000, NULL, NULL, true);

INSERT INTO billing_tier_features (tier, feature)
SELECT t.tier, f.key FROM (VALUES
    ('free', 'core'),
    ('starter', 'core'), ('starter', 'teams'), ('starter', 'api_access'),
    ('pro', 'core'), ('pro', 'teams'), ('pro', 'api_access'), ('pro', 'webhooks'), ('pro', 'exports'), ('pro', 'advanced_permissions'),
    ('enterprise', 'core'), ('enterprise', 'teams'), ('enterprise', 'api_access'), ('enterprise', 'webhooks'),
    ('enterprise', 'exports'), ('enterprise', 'advanced_permissions'), ('enterprise', 'priority_support')
) AS t (tier, feature) JOIN billing_features f ON f.key = t.feature;

INSERT INTO billing_tier_limits (tier, limit_type, max_value) VALUES
    ('free', 'members', 3), ('free', 'pending_invitations', 2), ('free', 'api_keys', 1), ('free', 'teams', 1), ('free', 'workspaces', 1),
    ('starter', 'members', 10), ('starter', 'pending_invitations', 10), ('starter', 'api_keys', 5), ('starter', 'teams', 5), ('starter', 'workspaces', 2),
    ('pro', 'members', 50), ('pro', 'pending_invitations', 50), ('pro', 'api_keys', 25), ('pro', 'teams', 50), ('pro', 'workspaces', 5);

-- The subscription's plan state. Existing rows are the signup trials of the price new workspaces get (Pro).
ALTER TABLE billing_subscriptions
    ADD COLUMN tier text NOT NULL DEFAULT 'pro' REFERENCES billing_tiers (key),
    ADD COLUMN billing_period text NOT NULL DEFAULT 'monthly' CHECK (billing_period IN ('monthly', 'yearly', 'one_time')),
    ADD COLUMN current_period_start timestamptz,
    ADD COLUMN cancel_at_period_end boolean NOT NULL DEFAULT false,
    ADD COLUMN canceled_at timestamptz,
    -- A downgrade waits for the end of the paid period; the tier applies once `scheduled_change_at` passes.
    ADD COLUMN scheduled_tier text REFERENCES billing_tiers (key),
    ADD COLUMN scheduled_period text CHECK (scheduled_period IN ('monthly', 'yearly')),
    ADD COLUMN scheduled_change_at timestamptz,
    ADD CONSTRAINT billing_subscriptions_schedule CHECK ((scheduled_tier IS NULL) = (scheduled_change_at IS NULL));

-- Stripe events already taken in (the primary key is the idempotency guard; a replay inserts nothing).
CREATE TABLE billing_stripe_events (
    event_id text PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 255),
    type text NOT NULL CHECK (length(type) <= 100),
    workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
    -- What processing did: applied (changed a subscription), notified, ignored (a type we do not act on or
    -- an object we cannot place).
    outcome text NOT NULL,
    event_created_at timestamptz,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX billing_stripe_events_workspace ON billing_stripe_events (workspace_id, received_at DESC);
