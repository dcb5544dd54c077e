-- Children of a company record (0002's `companies`): its logo and its business settings, one of each per record,
-- removed with it. Both point at the record through (company_id, company_record_id), so a row can only hang off a
-- record of the same tenant; every read names company_id first.

-- The uploaded logo, kept in the database: logos are small (the API takes at most 1 MiB), there is one per
-- record, and this keeps Base free of a file store. The type is what the bytes are (PNG, JPEG or WebP, sniffed
-- by the API), sha256 is the ETag.
CREATE TABLE company_logos (
    company_id uuid NOT NULL,
    company_record_id uuid NOT NULL,
    content_type text NOT NULL
        CONSTRAINT company_logos_content_type_check CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    bytes bytea NOT NULL,
    size integer NOT NULL CONSTRAINT company_logos_size_check CHECK (size BETWEEN 1 AND 1048576 AND size = octet_length(bytes)),
    sha256 text NOT NULL CONSTRAINT company_logos_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by uuid,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, company_record_id),
    CONSTRAINT company_logos_company_fk FOREIGN KEY (company_id, company_record_id)
        REFERENCES companies (company_id, id) ON DELETE CASCADE
);

-- Typed business settings. Absent row = defaults (the API answers them), so only records someone configured
-- have one.
CREATE TABLE company_settings (
    company_id uuid NOT NULL,
    company_record_id uuid NOT NULL,
    default_currency text CONSTRAINT company_settings_currency_check CHECK (default_currency ~ '^[A-Z]{3}$'),
    timezone text NOT NULL DEFAULT 'UTC' CONSTRAINT company_settings_timezone_check CHECK (length(timezone) BETWEEN 1 AND 64),
    locale text NOT NULL DEFAULT 'en' CONSTRAINT company_settings_locale_check CHECK (length(locale) BETWEEN 2 AND 16),
    fiscal_year_start_month integer NOT NULL DEFAULT 1
        CONSTRAINT company_settings_fiscal_month_check CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    invoice_prefix text NOT NULL DEFAULT 'INV-' CONSTRAINT company_settings_invoice_prefix_check CHECK (length(invoice_prefix) <= 20),
    payment_terms_days integer NOT NULL DEFAULT 30
        CONSTRAINT company_settings_payment_terms_check CHECK (payment_terms_days BETWEEN 0 AND 365),
    vat_number text CONSTRAINT company_settings_vat_number_check CHECK (length(vat_number) BETWEEN 1 AND 32),
    -- Hundredths of a percent (2100 = 21 %): integers, like amounts.
    default_vat_rate_bp integer CONSTRAINT company_settings_vat_rate_check CHECK (default_vat_rate_bp BETWEEN 0 AND 10000),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, company_record_id),
    CONSTRAINT company_settings_company_fk FOREIGN KEY (company_id, company_record_id)
        REFERENCES companies (company_id, id) ON DELETE CASCADE
);

-- The list's filters (kind, status, country; each with the tenant first). Name search uses 0002's trigram index.
CREATE INDEX companies_company_kind ON companies (company_id, kind, lower(name));
CREATE INDEX companies_company_status ON companies (company_id, status, lower(name));
CREATE INDEX companies_company_country ON companies (company_id, country_id) WHERE country_id IS NOT NULL;
CREATE INDEX companies_company_city ON companies (company_id, lower(city)) WHERE city IS NOT NULL;
