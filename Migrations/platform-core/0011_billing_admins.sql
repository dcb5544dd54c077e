-- The Core Platform spec gives Stripe checkout to the workspace admin role ("Requires workspace admin role"), so
-- billing.manage is no longer the owner's alone: admins hold it by default, in new workspaces (defaults) and in
-- existing ones. An owner may still revoke it from admins, as with any other default grant.
UPDATE permissions SET owner_only = false WHERE name = 'billing.manage';

INSERT INTO role_permission_defaults (role, permission) VALUES ('admin', 'billing.manage')
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (workspace_id, role, permission)
SELECT id, 'admin', 'billing.manage' FROM workspaces
ON CONFLICT DO NOTHING;
