-- Company and user onboarding (issue 11): server-side state machines, goals, website scrape jobs.
-- Additive only. `workspaces.onboarding_completed_at` and `memberships.onboarding_completed_at` (0001) stay the
-- flags other readers use (workspace health); the rows here hold the steps and the answers.

-- One row per workspace once onboarding has started. Steps are recorded as two sets so "completed" and
-- "skipped" cannot both hold for a step (the CHECK), and a step's state is one array membership test.
CREATE TABLE company_onboarding (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
    completed_steps text[] NOT NULL DEFAULT '{}',
    skipped_steps text[] NOT NULL DEFAULT '{}',
    industry text CHECK (length(industry) <= 100),
    company_size text CHECK (length(company_size) <= 20),
    target_audience text CHECK (length(target_audience) <= 2000),
    value_proposition text CHECK (length(value_proposition) <= 2000),
    products_services text CHECK (length(products_services) <= 2000),
    brand_voice text CHECK (length(brand_voice) <= 500),
    headquarters text CHECK (length(headquarters) <= 200),
    competitors text[] NOT NULL DEFAULT '{}' CHECK (cardinality(competitors) <= 20),
    started_by uuid REFERENCES users (id) ON DELETE SET NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    completed_by uuid REFERENCES users (id) ON DELETE SET NULL,
    completed_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (NOT (completed_steps && skipped_steps))
);

-- "Creates actual Goal records": the goals saved during onboarding.
CREATE TABLE company_goals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description text CHECK (length(description) <= 2000),
    category text CHECK (category IN ('growth', 'revenue', 'brand', 'operations', 'team', 'other')),
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX company_goals_workspace ON company_goals (workspace_id, created_at);

-- Website scrapes for company context: progress read by polling or the SSE stream, the result kept as JSON.
CREATE TABLE onboarding_scrape_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
    url text NOT NULL CHECK (length(url) <= 2048),
    status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
    progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage text NOT NULL DEFAULT 'queued',
    message text,
    error_code text,
    result jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX onboarding_scrape_jobs_workspace ON onboarding_scrape_jobs (workspace_id, created_at DESC);

-- A member's own onboarding in one workspace (steps 1–5 of the spec).
CREATE TABLE user_onboarding (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
    completed_steps text[] NOT NULL DEFAULT '{}',
    skipped_steps text[] NOT NULL DEFAULT '{}',
    seniority text CHECK (seniority IN ('intern', 'junior', 'mid', 'senior', 'lead', 'manager', 'director', 'executive')),
    responsibilities text CHECK (length(responsibilities) <= 2000),
    years_experience integer CHECK (years_experience BETWEEN 0 AND 80),
    notification_frequency text CHECK (notification_frequency IN ('instant', 'daily', 'weekly', 'never')),
    communication_channels text[] NOT NULL DEFAULT '{}',
    interests text[] NOT NULL DEFAULT '{}' CHECK (cardinality(interests) <= 30),
    theme text CHECK (theme IN ('light', 'dark', 'system')),
    started_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id),
    CHECK (NOT (completed_steps && skipped_steps))
);
