-- Notification e-mails of people who chose a digest (notification_email_settings.delivery_mode = 'digest') wait here,
-- written in the transaction that created the notification, until the digest job sends them as one e-mail every
-- digest_frequency_minutes and deletes them in the same transaction.
CREATE TABLE notification_digest_items (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id bigint GENERATED ALWAYS AS IDENTITY,
    title text NOT NULL,
    body text,
    action_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, id)
);

-- When the last digest went out (null: none yet; the oldest waiting item then sets the pace).
ALTER TABLE notification_email_settings ADD COLUMN last_digest_at timestamptz;
