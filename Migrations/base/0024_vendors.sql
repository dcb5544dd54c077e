-- Vendors (issue 14): the companies that supply an event (sound, lights, catering, security, transport …).
--
-- Two layers. The system catalog (vendor_categories, system_vendors, system_vendor_services) is global, like the
-- reference data of 0001: no company owns it, every tenant reads it, only platform staff edit it. A company's own
-- vendors (vendors, vendor_contacts, event_vendors) are tenant rows with company_id first in every key and index; a
-- company vendor may come from the catalog ("link into my vendors"), and then remembers which entry it came from.

CREATE TABLE vendor_categories (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT vendor_categories_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    description text CONSTRAINT vendor_categories_description_check CHECK (description IS NULL OR length(description) <= 1000),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- "Catering" and "catering" are one category.
CREATE UNIQUE INDEX vendor_categories_name_key ON vendor_categories (lower(btrim(name)));

CREATE TABLE system_vendors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT system_vendors_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- No cascade: a category in use is not deleted (409 category_in_use).
    category_id uuid CONSTRAINT system_vendors_category_fk REFERENCES vendor_categories (id),
    email text CONSTRAINT system_vendors_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text CONSTRAINT system_vendors_phone_check CHECK (phone IS NULL OR length(phone) <= 50),
    website text CONSTRAINT system_vendors_website_check CHECK (website IS NULL OR length(website) <= 500),
    city text CONSTRAINT system_vendors_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    country_id uuid CONSTRAINT system_vendors_country_fk REFERENCES countries (id),
    description text CONSTRAINT system_vendors_description_check CHECK (description IS NULL OR length(description) <= 5000),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- One catalog entry per name (any case, outer spaces ignored): the import reports a second one by line.
CREATE UNIQUE INDEX system_vendors_name_key ON system_vendors (lower(btrim(name)));
CREATE INDEX system_vendors_name_trgm ON system_vendors USING gin (name gin_trgm_ops);
CREATE INDEX system_vendors_category ON system_vendors (category_id, lower(name), id);

-- What a catalog vendor offers (PA hire, backline, stage build …); part of the vendor, so it goes with it.
CREATE TABLE system_vendor_services (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    system_vendor_id uuid NOT NULL CONSTRAINT system_vendor_services_vendor_fk REFERENCES system_vendors (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT system_vendor_services_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    description text CONSTRAINT system_vendor_services_description_check CHECK (description IS NULL OR length(description) <= 1000),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX system_vendor_services_name_key ON system_vendor_services (system_vendor_id, lower(btrim(name)));

CREATE TABLE vendors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT vendors_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- The company's own label (free text): a catalog category's name when linked, anything the company likes otherwise.
    category text CONSTRAINT vendors_category_check CHECK (category IS NULL OR length(btrim(category)) BETWEEN 1 AND 100),
    email text CONSTRAINT vendors_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text CONSTRAINT vendors_phone_check CHECK (phone IS NULL OR length(phone) <= 50),
    website text CONSTRAINT vendors_website_check CHECK (website IS NULL OR length(website) <= 500),
    notes text CONSTRAINT vendors_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    -- The catalog entry it was linked from. Staff deleting that entry leaves the company's copy, unlinked.
    system_vendor_id uuid CONSTRAINT vendors_system_vendor_fk REFERENCES system_vendors (id) ON DELETE SET NULL,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT vendors_company_id_key UNIQUE (company_id, id)
);
CREATE INDEX vendors_company_name ON vendors (company_id, lower(name), id);
CREATE INDEX vendors_company_created ON vendors (company_id, created_at, id);
CREATE INDEX vendors_company_name_trgm ON vendors USING gin (company_id, name gin_trgm_ops);
-- Linking a catalog entry twice gives the company the vendor it already has.
CREATE UNIQUE INDEX vendors_company_system_vendor ON vendors (company_id, system_vendor_id) WHERE system_vendor_id IS NOT NULL;

CREATE TABLE vendor_contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    vendor_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT vendor_contacts_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role text CONSTRAINT vendor_contacts_role_check CHECK (role IS NULL OR length(role) <= 100),
    email text CONSTRAINT vendor_contacts_email_check CHECK (email IS NULL OR length(email) <= 254),
    phone text CONSTRAINT vendor_contacts_phone_check CHECK (phone IS NULL OR length(phone) <= 50),
    notes text CONSTRAINT vendor_contacts_notes_check CHECK (notes IS NULL OR length(notes) <= 2000),
    is_primary boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT vendor_contacts_company_id_key UNIQUE (company_id, id),
    CONSTRAINT vendor_contacts_vendor_fk FOREIGN KEY (company_id, vendor_id) REFERENCES vendors (company_id, id) ON DELETE CASCADE
);
CREATE INDEX vendor_contacts_company_vendor ON vendor_contacts (company_id, vendor_id, lower(name), id);
CREATE UNIQUE INDEX vendor_contacts_one_primary ON vendor_contacts (company_id, vendor_id) WHERE is_primary;

-- A vendor serving an event: what it does there and, when agreed, its fee. Deleting the event removes the
-- attachment (it describes the event); a vendor with attachments is not deleted (they are the record of who served).
CREATE TABLE event_vendors (
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    vendor_id uuid NOT NULL,
    service text CONSTRAINT event_vendors_service_check CHECK (service IS NULL OR length(btrim(service)) BETWEEN 1 AND 100),
    fee_minor bigint CONSTRAINT event_vendors_fee_check CHECK (fee_minor BETWEEN 0 AND 1000000000000000),
    currency char(3) CONSTRAINT event_vendors_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    notes text CONSTRAINT event_vendors_notes_check CHECK (notes IS NULL OR length(notes) <= 2000),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_vendors_pkey PRIMARY KEY (company_id, vendor_id, event_id),
    CONSTRAINT event_vendors_fee_currency CHECK ((fee_minor IS NULL) = (currency IS NULL)),
    CONSTRAINT event_vendors_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE,
    CONSTRAINT event_vendors_vendor_fk FOREIGN KEY (company_id, vendor_id) REFERENCES vendors (company_id, id)
);
CREATE INDEX event_vendors_company_event ON event_vendors (company_id, event_id);
