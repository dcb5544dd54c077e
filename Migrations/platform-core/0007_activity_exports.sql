-- Activity feed filters, activity exports and per-workspace data migrations (issue 11). Additive only: the
-- `activity` table keeps its columns (a webhook trigger reads them).

-- The feed filters by action and entity type inside one workspace, newest first.
CREATE INDEX activity_workspace_action ON activity (workspace_id, action, created_at DESC);
CREATE INDEX activity_workspace_entity ON activity (workspace_id, entity_type, created_at DESC);

-- An export of the activity feed (CSV or JSON), produced by the background worker. The output is kept here
-- (bounded) rather than in the file storage, so any replica can serve it and it goes with the workspace.
CREATE TABLE activity_export_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format text NOT NULL CHECK (format IN ('csv', 'json')),
    -- The feed filters the export applies (ActivityFilter), as given when it was requested.
    filters jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(filters) = 'object'),
    status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
    attempts integer NOT NULL DEFAULT 0,
    -- A RUNNING job whose lease passed belongs to a worker that died: another worker claims it again.
    lease_until timestamptz,
    row_count integer,
    content bytea CHECK (octet_length(content) <= 67108864),
    content_type text,
    file_name text CHECK (length(file_name) <= 200),
    error_code text,
    error_message text CHECK (length(error_message) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    completed_at timestamptz
);
CREATE INDEX activity_export_jobs_user ON activity_export_jobs (workspace_id, user_id, created_at DESC);
-- The worker's queue spans workspaces (claimed with FOR UPDATE SKIP LOCKED); partial, so it holds only open jobs.
CREATE INDEX activity_export_jobs_open ON activity_export_jobs (workspace_id, created_at) WHERE status IN ('QUEUED', 'RUNNING');

-- Per-workspace data migrations (WorkspaceDataMigrations' registry) applied to a workspace: a second run skips them.
CREATE TABLE workspace_data_migrations (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    migration text NOT NULL CHECK (length(migration) BETWEEN 1 AND 100),
    changed_rows integer NOT NULL DEFAULT 0,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, migration)
);

-- `POST /workspace-health/migrate`: one job per run, progress read by the SSE stream.
CREATE TABLE workspace_migration_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
    status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
    progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    current_step text NOT NULL DEFAULT 'Queued',
    error_message text CHECK (length(error_message) <= 1000),
    applied jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(applied) = 'array'),
    attempts integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz
);
-- One open run per workspace ("prevents duplicates"): a second request gets the open job.
CREATE UNIQUE INDEX workspace_migration_jobs_open ON workspace_migration_jobs (workspace_id) WHERE status IN ('QUEUED', 'RUNNING');
CREATE INDEX workspace_migration_jobs_workspace ON workspace_migration_jobs (workspace_id, created_at DESC);
