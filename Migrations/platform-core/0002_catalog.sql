-- Catalog data: modules, the permission catalog and the default grants per role.
--
-- Permission names are `<resource>.<action>` for Platform Core's own actions and
-- `<module>.<resource>.<read|write>` for the services that enforce them (basic = Base, venue, finance,
-- promoter). A service that needs a new permission adds it here in a new migration (and, if it should
-- be granted by default, to role_permission_defaults and to existing workspaces' role_permissions).

INSERT INTO modules (name, display_name, description, default_enabled, sort_order) VALUES
    ('basic', 'Base', 'Artists, agencies, events, offers, agreements, tickets and the rest of the live-music business domain (Base service).', true, 10),
    ('venue', 'Venue', 'Venues, spaces, availability, bookings, deals, contracts, deposits and operations (Venue service).', true, 20),
    ('finance', 'Finance', 'Income invoices, bills and payments (Finance service).', true, 30),
    ('promoter', 'Promoter', 'Canonical promoter events (Promoter service).', true, 40);

INSERT INTO permissions (name, module, resource, action, description, owner_only, sort_order) VALUES
    ('workspace.read', 'platform', 'workspace', 'read', 'View the workspace and its settings', false, 10),
    ('workspace.update', 'platform', 'workspace', 'update', 'Edit the workspace''s name, profile and settings', false, 20),
    ('workspace.delete', 'platform', 'workspace', 'delete', 'Delete the workspace', true, 30),
    ('ownership.transfer', 'platform', 'ownership', 'transfer', 'Transfer workspace ownership to another member', true, 40),
    ('billing.read', 'platform', 'billing', 'read', 'View the subscription and billing status', false, 50),
    ('billing.manage', 'platform', 'billing', 'manage', 'Change the subscription and payment details', true, 60),
    ('members.read', 'platform', 'members', 'read', 'View members and their profiles', false, 70),
    ('members.invite', 'platform', 'members', 'invite', 'Invite people, resend invitations and activation e-mails', false, 80),
    ('members.update', 'platform', 'members', 'update', 'Edit members'' profiles and roles', false, 90),
    ('members.remove', 'platform', 'members', 'remove', 'Remove members from the workspace', false, 100),
    ('teams.read', 'platform', 'teams', 'read', 'View teams', false, 110),
    ('teams.manage', 'platform', 'teams', 'manage', 'Create, edit and delete teams and their members', false, 120),
    ('permissions.read', 'platform', 'permissions', 'read', 'View every role''s permissions', false, 130),
    ('permissions.manage', 'platform', 'permissions', 'manage', 'Change role permissions', false, 140),
    ('api_keys.read', 'platform', 'api_keys', 'read', 'View API keys (prefixes only)', false, 150),
    ('api_keys.manage', 'platform', 'api_keys', 'manage', 'Create, rotate, revoke and delete API keys', false, 160),
    ('modules.read', 'platform', 'modules', 'read', 'View module settings', false, 170),
    ('modules.manage', 'platform', 'modules', 'manage', 'Enable, disable and configure modules', false, 180),
    ('activity.read', 'platform', 'activity', 'read', 'View the workspace activity feed', false, 190),
    ('basic.artists.read', 'basic', 'artists', 'read', 'View artists', false, 200),
    ('basic.artists.write', 'basic', 'artists', 'write', 'Create, edit and delete artists', false, 210),
    ('basic.agencies.read', 'basic', 'agencies', 'read', 'View agencies', false, 220),
    ('basic.agencies.write', 'basic', 'agencies', 'write', 'Create, edit and delete agencies', false, 230),
    ('basic.companies.read', 'basic', 'companies', 'read', 'View companies', false, 240),
    ('basic.companies.write', 'basic', 'companies', 'write', 'Create, edit and delete companies', false, 250),
    ('basic.contacts.read', 'basic', 'contacts', 'read', 'View contacts', false, 260),
    ('basic.contacts.write', 'basic', 'contacts', 'write', 'Create, edit and delete contacts', false, 270),
    ('basic.events.read', 'basic', 'events', 'read', 'View events', false, 280),
    ('basic.events.write', 'basic', 'events', 'write', 'Create, edit and delete events', false, 290),
    ('basic.offers.read', 'basic', 'offers', 'read', 'View offers', false, 300),
    ('basic.offers.write', 'basic', 'offers', 'write', 'Create, edit and delete offers', false, 310),
    ('basic.agreements.read', 'basic', 'agreements', 'read', 'View agreements', false, 320),
    ('basic.agreements.write', 'basic', 'agreements', 'write', 'Create, edit and delete agreements', false, 330),
    ('basic.avails.read', 'basic', 'avails', 'read', 'View avails', false, 340),
    ('basic.avails.write', 'basic', 'avails', 'write', 'Create, edit and delete avails', false, 350),
    ('basic.tickets.read', 'basic', 'tickets', 'read', 'View event tickets', false, 360),
    ('basic.tickets.write', 'basic', 'tickets', 'write', 'Create, edit and delete event tickets', false, 370),
    ('basic.income.read', 'basic', 'income', 'read', 'View event income', false, 380),
    ('basic.income.write', 'basic', 'income', 'write', 'Create, edit and delete event income', false, 390),
    ('basic.expenses.read', 'basic', 'expenses', 'read', 'View event expenses', false, 400),
    ('basic.expenses.write', 'basic', 'expenses', 'write', 'Create, edit and delete event expenses', false, 410),
    ('basic.taxes.read', 'basic', 'taxes', 'read', 'View event taxes', false, 420),
    ('basic.taxes.write', 'basic', 'taxes', 'write', 'Create, edit and delete event taxes', false, 430),
    ('basic.tasks.read', 'basic', 'tasks', 'read', 'View tasks', false, 440),
    ('basic.tasks.write', 'basic', 'tasks', 'write', 'Create, edit and delete tasks', false, 450),
    ('basic.approvals.read', 'basic', 'approvals', 'read', 'View approvals', false, 460),
    ('basic.approvals.write', 'basic', 'approvals', 'write', 'Create, edit and delete approvals', false, 470),
    ('basic.vendors.read', 'basic', 'vendors', 'read', 'View vendors', false, 480),
    ('basic.vendors.write', 'basic', 'vendors', 'write', 'Create, edit and delete vendors', false, 490),
    ('basic.venues.read', 'basic', 'venues', 'read', 'View venues (Base)', false, 500),
    ('basic.venues.write', 'basic', 'venues', 'write', 'Create, edit and delete venues (Base)', false, 510),
    ('basic.festivals.read', 'basic', 'festivals', 'read', 'View festivals', false, 520),
    ('basic.festivals.write', 'basic', 'festivals', 'write', 'Create, edit and delete festivals', false, 530),
    ('basic.integrations.read', 'basic', 'integrations', 'read', 'View integrations (Xero, Setlist.fm, Nextcloud)', false, 540),
    ('basic.integrations.write', 'basic', 'integrations', 'write', 'Create, edit and delete integrations (Xero, Setlist.fm, Nextcloud)', false, 550),
    ('venue.venues.read', 'venue', 'venues', 'read', 'View venues', false, 560),
    ('venue.venues.write', 'venue', 'venues', 'write', 'Create, edit and delete venues', false, 570),
    ('venue.spaces.read', 'venue', 'spaces', 'read', 'View spaces', false, 580),
    ('venue.spaces.write', 'venue', 'spaces', 'write', 'Create, edit and delete spaces', false, 590),
    ('venue.availability.read', 'venue', 'availability', 'read', 'View availability blocks', false, 600),
    ('venue.availability.write', 'venue', 'availability', 'write', 'Create, edit and delete availability blocks', false, 610),
    ('venue.bookings.read', 'venue', 'bookings', 'read', 'View bookings', false, 620),
    ('venue.bookings.write', 'venue', 'bookings', 'write', 'Create, edit and delete bookings', false, 630),
    ('venue.events.read', 'venue', 'events', 'read', 'View venue events', false, 640),
    ('venue.events.write', 'venue', 'events', 'write', 'Create, edit and delete venue events', false, 650),
    ('venue.deals.read', 'venue', 'deals', 'read', 'View deals', false, 660),
    ('venue.deals.write', 'venue', 'deals', 'write', 'Create, edit and delete deals', false, 670),
    ('venue.contracts.read', 'venue', 'contracts', 'read', 'View contracts', false, 680),
    ('venue.contracts.write', 'venue', 'contracts', 'write', 'Create, edit and delete contracts', false, 690),
    ('venue.operations.read', 'venue', 'operations', 'read', 'View operations checklists and templates', false, 700),
    ('venue.operations.write', 'venue', 'operations', 'write', 'Create, edit and delete operations checklists and templates', false, 710),
    ('venue.deposits.read', 'venue', 'deposits', 'read', 'View deposits', false, 720),
    ('venue.deposits.write', 'venue', 'deposits', 'write', 'Create, edit and delete deposits', false, 730),
    ('venue.reports.read', 'venue', 'reports', 'read', 'View reports', false, 740),
    ('venue.customers.read', 'venue', 'customers', 'read', 'View customer overlays', false, 750),
    ('venue.customers.write', 'venue', 'customers', 'write', 'Create, edit and delete customer overlays', false, 760),
    ('finance.income.read', 'finance', 'income', 'read', 'View income invoices', false, 770),
    ('finance.income.write', 'finance', 'income', 'write', 'Create, edit and delete income invoices', false, 780),
    ('finance.bills.read', 'finance', 'bills', 'read', 'View bills', false, 790),
    ('finance.bills.write', 'finance', 'bills', 'write', 'Create, edit and delete bills', false, 800),
    ('finance.payments.read', 'finance', 'payments', 'read', 'View payments', false, 810),
    ('finance.payments.write', 'finance', 'payments', 'write', 'Create, edit and delete payments', false, 820),
    ('promoter.events.read', 'promoter', 'events', 'read', 'View promoter events', false, 830),
    ('promoter.events.write', 'promoter', 'events', 'write', 'Create, edit and delete promoter events', false, 840);

-- owner: everything (resolution gives owners the whole catalog anyway; the rows make listings uniform).
INSERT INTO role_permission_defaults (role, permission) SELECT 'owner', name FROM permissions;

-- admin: everything except owner-only actions.
INSERT INTO role_permission_defaults (role, permission) SELECT 'admin', name FROM permissions WHERE NOT owner_only;

-- member: read and write in every business module, and the workspace-level reads; no admin actions.
INSERT INTO role_permission_defaults (role, permission)
SELECT 'member', name FROM permissions
WHERE module <> 'platform' OR name IN ('workspace.read', 'members.read', 'teams.read', 'modules.read', 'activity.read');

-- viewer: read-only.
INSERT INTO role_permission_defaults (role, permission)
SELECT 'viewer', name FROM permissions
WHERE (module <> 'platform' AND action = 'read') OR name IN ('workspace.read', 'members.read', 'teams.read', 'modules.read', 'activity.read');
