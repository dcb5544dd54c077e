-- Agency teams and the roster's "at once" rule (issue 8, Agencies and Roster).
--
-- An agency's team: the people at a booking agency or management company the company deals with (agents,
-- managers, coordinators …). They are contacts, not Kisum users; `user_id` optionally links one to a Platform
-- Core user (Base never reads Platform Core's tables, so it is a plain uuid). Team members go with their
-- agency (ON DELETE CASCADE); an agency with roster entries cannot be deleted (the API answers 409
-- agency_has_roster, and roster_entries_agency_fk has no cascade).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE agency_team_members (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    agency_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT agency_team_members_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    email text CONSTRAINT agency_team_members_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text,
    role text NOT NULL DEFAULT 'agent'
        CONSTRAINT agency_team_members_role_check
        CHECK (role IN ('owner', 'agent', 'manager', 'coordinator', 'assistant', 'accountant', 'other')),
    title text,
    user_id uuid,
    is_primary boolean NOT NULL DEFAULT false,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agency_team_members_company_id_key UNIQUE (company_id, id),
    CONSTRAINT agency_team_members_agency_fk FOREIGN KEY (company_id, agency_id)
        REFERENCES agencies (company_id, id) ON DELETE CASCADE
);
-- The agency's main contact: at most one per agency (the API moves the flag in one transaction; this index
-- settles two concurrent writers).
CREATE UNIQUE INDEX agency_team_members_one_primary ON agency_team_members (company_id, agency_id) WHERE is_primary;
-- One person per address in an agency's team, however it is capitalised.
CREATE UNIQUE INDEX agency_team_members_email_key ON agency_team_members (company_id, agency_id, lower(email))
    WHERE email IS NOT NULL;
CREATE UNIQUE INDEX agency_team_members_user_key ON agency_team_members (company_id, agency_id, user_id)
    WHERE user_id IS NOT NULL;
-- The team list's order (primary first, then by name) and the agencies' team counts.
CREATE INDEX agency_team_members_company_agency ON agency_team_members (company_id, agency_id, is_primary DESC, lower(name), id);

-- 0002's unique index stops the same artist holding the same role twice on one roster from the same start
-- date; this stops it holding it twice on overlapping dates (open-ended dates are unbounded ranges). The
-- company's own roster (agency_id NULL) counts as one roster, as NULLS NOT DISTINCT does there.
ALTER TABLE roster_entries ADD CONSTRAINT roster_entries_no_overlap EXCLUDE USING gist (
    company_id WITH =,
    (COALESCE(agency_id, '00000000-0000-0000-0000-000000000000'::uuid)) WITH =,
    artist_id WITH =,
    role WITH =,
    daterange(starts_on, ends_on, '[]') WITH &&
);
