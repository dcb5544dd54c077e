-- The spec names two team permissions itself: "Create a new team (requires can_create_team permission)" and
-- "Delete a team (requires can_delete_team permission)". They keep those names (no `<resource>.<action>`),
-- so clients can ask `GET /permissions/check/can_create_team`; `teams.manage` stays for editing teams and
-- their members.

ALTER TABLE permissions DROP CONSTRAINT permissions_name_check;
ALTER TABLE permissions ADD CONSTRAINT permissions_name_check CHECK (name ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$');

INSERT INTO permissions (name, module, resource, action, description, owner_only, sort_order) VALUES
    ('can_create_team', 'platform', 'teams', 'create', 'Create teams', false, 114),
    ('can_delete_team', 'platform', 'teams', 'delete', 'Delete teams', false, 116);

UPDATE permissions SET description = 'Edit teams and their members' WHERE name = 'teams.manage';

-- Same defaults as teams.manage had for creating and deleting: owner and admin.
INSERT INTO role_permission_defaults (role, permission) VALUES
    ('owner', 'can_create_team'), ('owner', 'can_delete_team'),
    ('admin', 'can_create_team'), ('admin', 'can_delete_team');

-- Existing workspaces: whoever could create and delete teams through teams.manage keeps that.
INSERT INTO role_permissions (workspace_id, role, permission)
SELECT rp.workspace_id, rp.role, p.name
FROM role_permissions rp CROSS JOIN (VALUES ('can_create_team'), ('can_delete_team')) AS p(name)
WHERE rp.permission = 'teams.manage'
ON CONFLICT DO NOTHING;
