-- Platform Core schema: identity, workspaces and access.
--
-- Conventions: ids are UUIDs; times are timestamptz; enums are text with CHECK constraints (the
-- domain code and the database agree on one spelling, and a bad value is a 422, not silent data).
-- Every tenant table carries workspace_id (= the company id, the x-org header) and every index on it
-- starts with workspace_id. Secrets (refresh/activation/reset/invitation/impersonation tokens, API keys)
-- are stored as SHA-256 digests only; passwords as Argon2id PHC strings; signing keys sealed with AES-GCM.

-- ---------------------------------------------------------------------------------------------
-- Users and credentials (global: a user may belong to several workspaces)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored trimmed and lower-cased; the unique index below makes uniqueness case-insensitive even
    -- if a future writer forgets to normalise.
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
    full_name text CHECK (length(full_name) <= 200),
    display_name text CHECK (length(display_name) <= 100),
    title text CHECK (length(title) <= 200),
    phone text CHECK (length(phone) <= 50),
    bio text CHECK (length(bio) <= 2000),
    timezone text CHECK (length(timezone) <= 64),
    locale text CHECK (length(locale) <= 35),
    avatar_url text CHECK (length(avatar_url) <= 2048),
    -- Storage key of an avatar uploaded through Platform Core (NULL when avatar_url points elsewhere).
    avatar_key text,
    clerk_id text UNIQUE,
    -- Platform staff (provisioning, impersonation tooling); never granted through the API.
    is_superuser boolean NOT NULL DEFAULT false,
    email_verified_at timestamptz,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- The password and the lockout counters live apart from the profile so profile queries never load the
-- hash. A user without a row here has no password (invited, Clerk-only, or not yet activated).
CREATE TABLE credentials (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    -- Attempts counted since the last success; incremented *before* the hash is checked, in one UPDATE,
    -- so parallel attempts cannot all pass a "not locked yet" check.
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until timestamptz,
    last_failed_at timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------
-- Sessions (refresh-token families) and refresh tokens
-- ---------------------------------------------------------------------------------------------

CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Set for impersonation sessions: who acts as the user (the access tokens carry it as `act`).
    actor text,
    ip text,
    user_agent text CHECK (length(user_agent) <= 512),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    -- End of the family: each rotation slides it to now + the refresh TTL, so an idle family expires.
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text CHECK (revoked_reason IN ('logout', 'refresh_token_reuse', 'password_changed', 'password_reset',
                                                  'user_disabled', 'admin', 'expired')),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id, created_at DESC) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- Spent tokens stay so a replay is recognised (and the family revoked) instead of "unknown token".
    used_at timestamptz,
    -- SHA-256 of the client that spent it (address + user agent), for the parallel-refresh grace window.
    used_fingerprint bytea,
    replaced_by uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- ---------------------------------------------------------------------------------------------
-- Signing keys (ES256), private keys sealed with AES-GCM under SIGNING_KEY_ENCRYPTION_KEY
-- ---------------------------------------------------------------------------------------------

CREATE TABLE signing_keys (
    kid text PRIMARY KEY CHECK (length(kid) BETWEEN 8 AND 64),
    status text NOT NULL CHECK (status IN ('active', 'standby', 'retired')),
    -- Raw P-256 public key (x || y).
    public_key bytea NOT NULL CHECK (length(public_key) = 64),
    -- AES.GCM combined box (nonce || ciphertext || tag) of the raw private key, the kid as associated data.
    private_key_sealed bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    retired_at timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active';
CREATE UNIQUE INDEX signing_keys_one_standby ON signing_keys (status) WHERE status = 'standby';

-- ---------------------------------------------------------------------------------------------
-- Workspaces (= companies, the x-org id) and memberships
-- ---------------------------------------------------------------------------------------------

CREATE TABLE workspaces (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
    description text CHECK (length(description) <= 2000),
    logo_url text CHECK (length(logo_url) <= 2048),
    website text CHECK (length(website) <= 2048),
    timezone text CHECK (length(timezone) <= 64),
    currency text CHECK (currency ~ '^[A-Z]{3}$'),
    owner_id uuid NOT NULL REFERENCES users (id),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    -- Free-form workspace settings and company onboarding answers (the UI owns their shape).
    settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    onboarding jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(onboarding) = 'object'),
    onboarding_completed_at timestamptz,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspaces_owner ON workspaces (owner_id);

CREATE TABLE memberships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    -- invited: created by an invitation not yet accepted; only `active` grants access.
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'suspended', 'removed')),
    -- Member profile inside this workspace.
    title text CHECK (length(title) <= 200),
    department text CHECK (length(department) <= 200),
    -- Onboarding tours: {"tour_id": {"completed": true, "completed_at": "…", "skipped": false}}.
    tours jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(tours) = 'object'),
    onboarding_completed_at timestamptz,
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    joined_at timestamptz,
    removed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, user_id),
    -- Target of composite foreign keys, so team rows cannot point at another workspace's member.
    UNIQUE (workspace_id, id)
);
CREATE INDEX memberships_workspace_role ON memberships (workspace_id, role, status);
-- "Which workspaces is this user in" (login, /auth/me, deletion info) is by user across tenants.
CREATE INDEX memberships_user ON memberships (user_id, status);

-- ---------------------------------------------------------------------------------------------
-- Single-use tokens: activation, password reset, invitation, impersonation
-- ---------------------------------------------------------------------------------------------

CREATE TABLE single_use_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('activation', 'password_reset', 'invitation', 'impersonation')),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    workspace_id uuid REFERENCES workspaces (id) ON DELETE CASCADE,
    email text,
    -- Who issued it (an admin for admin-triggered resets and invitations).
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Impersonation: the administrator who will act as user_id.
    actor text,
    data jsonb NOT NULL DEFAULT '{}'::jsonb,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    -- Superseded by a newer token of the same kind for the same subject (a new link kills the old one).
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'impersonation' OR (user_id IS NOT NULL AND actor IS NOT NULL)),
    CHECK (kind <> 'invitation' OR workspace_id IS NOT NULL)
);
CREATE INDEX single_use_tokens_user ON single_use_tokens (user_id, kind) WHERE used_at IS NULL AND revoked_at IS NULL;
CREATE INDEX single_use_tokens_workspace ON single_use_tokens (workspace_id, kind, created_at) WHERE workspace_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Invitations (the workspace side; the secret is a single_use_tokens row of kind 'invitation')
-- ---------------------------------------------------------------------------------------------

CREATE TABLE invitations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email text NOT NULL CHECK (position('@' IN email) > 1),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    membership_id uuid,
    role text NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'cancelled', 'expired')),
    -- The current token; a resend or a new link replaces it (the old one is revoked).
    token_id uuid REFERENCES single_use_tokens (id) ON DELETE SET NULL,
    invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    cancelled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, membership_id) REFERENCES memberships (workspace_id, id) ON DELETE CASCADE
);
-- At most one open invitation per e-mail and workspace.
CREATE UNIQUE INDEX invitations_pending_email ON invitations (workspace_id, lower(email)) WHERE status = 'pending';
CREATE INDEX invitations_workspace ON invitations (workspace_id, status, created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Teams
-- ---------------------------------------------------------------------------------------------

CREATE TABLE teams (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description text CHECK (length(description) <= 2000),
    parent_team_id uuid,
    color text CHECK (length(color) <= 32),
    is_active boolean NOT NULL DEFAULT true,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, parent_team_id) REFERENCES teams (workspace_id, id) ON DELETE SET NULL (parent_team_id),
    CHECK (parent_team_id IS NULL OR parent_team_id <> id)
);
CREATE UNIQUE INDEX teams_name ON teams (workspace_id, lower(name));
CREATE INDEX teams_parent ON teams (workspace_id, parent_team_id);

CREATE TABLE team_members (
    workspace_id uuid NOT NULL,
    team_id uuid NOT NULL,
    membership_id uuid NOT NULL,
    role text NOT NULL DEFAULT 'member' CHECK (role IN ('lead', 'member')),
    added_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, team_id, membership_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, membership_id) REFERENCES memberships (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_membership ON team_members (workspace_id, membership_id);

-- ---------------------------------------------------------------------------------------------
-- Modules, permission catalog and per-workspace role permissions
-- ---------------------------------------------------------------------------------------------

-- The modules a workspace can switch on or off; other services gate their routes on them.
CREATE TABLE modules (
    name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]*$'),
    display_name text NOT NULL,
    description text NOT NULL,
    default_enabled boolean NOT NULL,
    sort_order integer NOT NULL
);

CREATE TABLE permissions (
    name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    -- 'platform' for Platform Core's own actions, otherwise the module that enforces it.
    module text NOT NULL,
    resource text NOT NULL,
    action text NOT NULL,
    description text NOT NULL,
    -- Never granted to any role but owner, and not grantable through the permission routes.
    owner_only boolean NOT NULL DEFAULT false,
    sort_order integer NOT NULL
);
CREATE INDEX permissions_resource ON permissions (module, resource);

-- What each role gets when a workspace is created or a role is reset.
CREATE TABLE role_permission_defaults (
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    permission text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    PRIMARY KEY (role, permission)
);

-- A row means "granted". Owner rows are seeded for display; access resolution gives owners the whole
-- catalog regardless, so the owner role cannot be narrowed by editing rows.
CREATE TABLE role_permissions (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    permission text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    granted_by uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, role, permission)
);

CREATE TABLE module_settings (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    module text NOT NULL REFERENCES modules (name),
    enabled boolean NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, module)
);

-- ---------------------------------------------------------------------------------------------
-- API keys (machine callers of one workspace)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description text CHECK (length(description) <= 2000),
    -- The recognisable start of the key ("kisum_sk_" + 8 characters), shown in lists.
    prefix text NOT NULL CHECK (prefix LIKE 'kisum\_sk\_%'),
    key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    scopes text[] NOT NULL DEFAULT '{}',
    enabled boolean NOT NULL DEFAULT true,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by uuid REFERENCES users (id) ON DELETE SET NULL,
    -- The key this one replaced through rotation.
    rotated_from uuid,
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, rotated_from) REFERENCES api_keys (workspace_id, id) ON DELETE SET NULL (rotated_from)
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Billing
-- ---------------------------------------------------------------------------------------------

CREATE TABLE billing_subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- 'local' = recorded by Platform Core without a payment provider (development, or no Stripe
    -- configured); nothing was charged and no checkout exists.
    provider text NOT NULL CHECK (provider IN ('stripe', 'local')),
    status text NOT NULL CHECK (status IN ('trialing', 'active', 'incomplete', 'past_due', 'canceled', 'unpaid')),
    plan text,
    stripe_customer_id text,
    stripe_subscription_id text UNIQUE,
    stripe_checkout_session_id text,
    trial_ends_at timestamptz,
    current_period_end timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (provider = 'stripe' OR (stripe_customer_id IS NULL AND stripe_subscription_id IS NULL))
);
CREATE INDEX billing_subscriptions_workspace ON billing_subscriptions (workspace_id, created_at DESC);

-- Stripe payment invites (a completed Checkout Session) already turned into a workspace: the unique
-- code makes a second redemption fail atomically.
CREATE TABLE payment_invite_redemptions (
    code text PRIMARY KEY,
    email text NOT NULL,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redeemed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_invite_redemptions_workspace ON payment_invite_redemptions (workspace_id);

-- ---------------------------------------------------------------------------------------------
-- Async signup jobs (progress streamed over Server-Sent Events)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE signup_jobs (
    -- Random v4 UUID: the id is the secret that lets the client read the stream.
    id uuid PRIMARY KEY,
    status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    current_step text NOT NULL DEFAULT 'queued',
    message text,
    error_code text,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
    workspace_name text,
    -- The issued tokens, sealed with AES-GCM, handed out once by the stream and then erased.
    result_sealed bytea,
    result_delivered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_jobs_created ON signup_jobs (created_at);

-- ---------------------------------------------------------------------------------------------
-- Outbox (kernel shape, Outbox.tableDDL); Platform Core uses topic 'email'
-- ---------------------------------------------------------------------------------------------

CREATE TABLE outbox (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid,
    topic text NOT NULL,
    payload jsonb NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    delivered_at timestamptz,
    dead_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The relay's queue scan is global by design (one relay serves every tenant).
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_company ON outbox (company_id, created_at);
-- The internal mailbox route lists e-mails by recipient.
CREATE INDEX outbox_email_recipient ON outbox ((lower(payload ->> 'to')), created_at DESC) WHERE topic = 'email';

-- ---------------------------------------------------------------------------------------------
-- Audit
-- ---------------------------------------------------------------------------------------------

-- What happened in a workspace (member changes, settings, keys …), newest first.
CREATE TABLE activity (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid REFERENCES users (id) ON DELETE SET NULL,
    -- Set when an administrator impersonating user_id did it.
    actor text,
    action text NOT NULL,
    entity_type text,
    entity_id text,
    description text,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_workspace ON activity (workspace_id, created_at DESC);
CREATE INDEX activity_workspace_user ON activity (workspace_id, user_id, created_at DESC);

-- Account security events (not tenant-scoped): lockouts, refresh-token reuse, password changes,
-- impersonation. Never holds secrets.
CREATE TABLE security_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('login_succeeded', 'login_failed', 'account_locked', 'refresh_token_reuse',
                                       'password_changed', 'password_reset', 'impersonation_started', 'sessions_revoked')),
    ip text,
    detail jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_events_user ON security_events (user_id, created_at DESC);
