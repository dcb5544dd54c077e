-- Workspaces group: the user's current workspace (POST /api/v1/workspaces/switch) and how an
-- invitation reached the invitee.

-- The workspace the user last switched to; the web app opens it after sign-in. Tokens are not bound
-- to it (the workspace of a request travels in x-workspace-id / x-org).
ALTER TABLE users ADD COLUMN current_workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL;
CREATE INDEX users_current_workspace ON users (current_workspace_id) WHERE current_workspace_id IS NOT NULL;

-- 'email': the current link was e-mailed to the address, so accepting it proves the address (the
-- account's e-mail becomes verified). 'link': an administrator copied the link to share it elsewhere;
-- accepting it proves nothing about the address.
ALTER TABLE invitations ADD COLUMN delivery text NOT NULL DEFAULT 'email' CHECK (delivery IN ('email', 'link'));

-- The details page and acceptance find the invitation by its current token (the token names the workspace).
CREATE INDEX invitations_token ON invitations (workspace_id, token_id);
-- The member list, resend and cancel find the open invitation of a membership.
CREATE INDEX invitations_membership ON invitations (workspace_id, membership_id) WHERE status = 'pending';
