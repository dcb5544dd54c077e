-- Base's side of venues (issue 9, Venues): Venue owns the venues (their master data, spaces, availability); Base
-- keeps only what a company says about one — the link that puts a Venue venue on the company's list (with its
-- notes, tags and rating), its contacts there, its documents and the inquiries it sent. venue_id is Venue's venue
-- id: no foreign key across services. Conventions as in 0002: company_id first in every key and index.

CREATE TABLE venue_links (
    company_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    -- Venue's name when linked or last edited, for sorting and searching the company's list without Venue.
    venue_name text NOT NULL CONSTRAINT venue_links_venue_name_check CHECK (length(btrim(venue_name)) BETWEEN 1 AND 200),
    notes text CONSTRAINT venue_links_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    tags text[] NOT NULL DEFAULT '{}' CONSTRAINT venue_links_tags_check CHECK (cardinality(tags) <= 20),
    rating smallint CONSTRAINT venue_links_rating_check CHECK (rating BETWEEN 1 AND 5),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT venue_links_pkey PRIMARY KEY (company_id, venue_id)
);
CREATE INDEX venue_links_company_created ON venue_links (company_id, created_at DESC, venue_id);
CREATE INDEX venue_links_company_name ON venue_links (company_id, lower(venue_name), venue_id);
CREATE INDEX venue_links_company_tags ON venue_links USING gin (company_id, tags);

-- The company's people at a linked venue (booker, production manager …). Unlinking the venue removes them.
CREATE TABLE venue_contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT venue_contacts_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role text CONSTRAINT venue_contacts_role_check CHECK (role IS NULL OR length(role) <= 100),
    email text CONSTRAINT venue_contacts_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text CONSTRAINT venue_contacts_phone_check CHECK (phone IS NULL OR length(phone) <= 50),
    notes text CONSTRAINT venue_contacts_notes_check CHECK (notes IS NULL OR length(notes) <= 2000),
    is_primary boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT venue_contacts_company_id_key UNIQUE (company_id, id),
    CONSTRAINT venue_contacts_link_fk FOREIGN KEY (company_id, venue_id) REFERENCES venue_links (company_id, venue_id) ON DELETE CASCADE
);
CREATE INDEX venue_contacts_company_venue ON venue_contacts (company_id, venue_id, lower(name), id);
-- One primary contact per company and venue.
CREATE UNIQUE INDEX venue_contacts_one_primary ON venue_contacts (company_id, venue_id) WHERE is_primary;

-- Files the company keeps about a linked venue (tech rider, stage plot, floor plan …), bytes in the row: they are
-- bounded (10 MiB, checked by content) and die with the link.
CREATE TABLE venue_documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    title text NOT NULL CONSTRAINT venue_documents_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'other'
        CONSTRAINT venue_documents_kind_check CHECK (kind IN ('tech_rider', 'stage_plot', 'floor_plan', 'contract', 'photo', 'other')),
    file_name text CONSTRAINT venue_documents_file_name_check CHECK (file_name IS NULL OR length(file_name) <= 255),
    content_type text NOT NULL CONSTRAINT venue_documents_content_type_check CHECK (length(content_type) BETWEEN 1 AND 100),
    size integer NOT NULL CONSTRAINT venue_documents_size_check CHECK (size BETWEEN 1 AND 10485760),
    sha256 text NOT NULL CONSTRAINT venue_documents_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes bytea NOT NULL,
    uploaded_by uuid NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT venue_documents_company_id_key UNIQUE (company_id, id),
    CONSTRAINT venue_documents_size_matches CHECK (octet_length(bytes) = size),
    CONSTRAINT venue_documents_link_fk FOREIGN KEY (company_id, venue_id) REFERENCES venue_links (company_id, venue_id) ON DELETE CASCADE
);
CREATE INDEX venue_documents_company_venue ON venue_documents (company_id, venue_id, uploaded_at DESC, id);

-- Inquiries the company sent about a venue (any venue of Venue's inventory, linked or not): history, so they stay
-- when a link goes. Who answers (the venue, or Kisum for sleeping inventory) is Venue's answer at sending time.
CREATE TABLE venue_inquiries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    venue_id uuid NOT NULL,
    venue_name text NOT NULL CONSTRAINT venue_inquiries_venue_name_check CHECK (length(btrim(venue_name)) BETWEEN 1 AND 200),
    recipient text NOT NULL CONSTRAINT venue_inquiries_recipient_check CHECK (recipient IN ('venue', 'kisum')),
    status text NOT NULL DEFAULT 'sent' CONSTRAINT venue_inquiries_status_check CHECK (status IN ('sent')),
    starts_on date NOT NULL CONSTRAINT venue_inquiries_starts_on_check CHECK (starts_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    ends_on date NOT NULL CONSTRAINT venue_inquiries_ends_on_check CHECK (ends_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    space_ids uuid[] NOT NULL DEFAULT '{}' CONSTRAINT venue_inquiries_space_ids_check CHECK (cardinality(space_ids) <= 20),
    expected_attendance integer CONSTRAINT venue_inquiries_attendance_check CHECK (expected_attendance BETWEEN 1 AND 1000000),
    event_id uuid,
    message text NOT NULL CONSTRAINT venue_inquiries_message_check CHECK (length(btrim(message)) BETWEEN 1 AND 5000),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT venue_inquiries_company_id_key UNIQUE (company_id, id),
    CONSTRAINT venue_inquiries_dates_ordered CHECK (ends_on >= starts_on),
    CONSTRAINT venue_inquiries_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX venue_inquiries_company_venue ON venue_inquiries (company_id, venue_id, created_at DESC, id);
