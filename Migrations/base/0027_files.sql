-- Files (issue 14): uploads kept in the object storage (local disk or S3-compatible), described here. The bytes
-- are never in the database; `storage_key` names them in the store and is never sent to clients.
CREATE TABLE files (
    company_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL CONSTRAINT files_name_check CHECK (length(name) BETWEEN 1 AND 255),
    -- Decided from the bytes (ContentSniffer), not the name or the client's header.
    content_type text NOT NULL CONSTRAINT files_content_type_check CHECK (length(content_type) BETWEEN 3 AND 100),
    size_bytes bigint NOT NULL CONSTRAINT files_size_check CHECK (size_bytes > 0),
    sha256 text NOT NULL CONSTRAINT files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    storage_key text NOT NULL CONSTRAINT files_storage_key_check CHECK (length(storage_key) BETWEEN 1 AND 512),
    -- Optional owner: the event the file belongs to. Deleting the event keeps the file, unlinked.
    event_id uuid,
    uploaded_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT files_pkey PRIMARY KEY (company_id, id),
    CONSTRAINT files_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX files_event ON files (company_id, event_id) WHERE event_id IS NOT NULL;
