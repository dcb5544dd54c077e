-- Venue commercial features (issue 4): deals, contracts (documents and signature state) and operations
-- checklists. 0001 created the tables; this adds the rules the routes rely on, so the database keeps
-- them even for writes that do not go through the API's validation.

-- ---------------------------------------------------------------------------------------------
-- Deals: the terms each deal type cannot do without.
ALTER TABLE deals
    ADD CONSTRAINT deals_flat_guarantee_terms CHECK (deal_type <> 'flat_guarantee' OR guarantee_minor IS NOT NULL),
    ADD CONSTRAINT deals_door_split_terms CHECK (deal_type <> 'door_split' OR percentage IS NOT NULL),
    ADD CONSTRAINT deals_versus_terms
        CHECK (deal_type NOT IN ('versus', 'guarantee_plus') OR (guarantee_minor IS NOT NULL AND percentage IS NOT NULL)),
    ADD CONSTRAINT deals_rental_terms CHECK (deal_type <> 'rental' OR rental_fee_minor IS NOT NULL),
    ADD CONSTRAINT deals_name_length CHECK (name IS NULL OR length(btrim(name)) BETWEEN 1 AND 200),
    -- When the status last changed (proposed, accepted, …): the negotiation timeline.
    ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX deals_company_status ON deals (company_id, status, created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Contracts: a document, once referenced, is described completely; statuses past `generated`
-- carry their document, and statuses past `sent` their provider agreement.
ALTER TABLE contracts
    ADD COLUMN resend_count integer NOT NULL DEFAULT 0 CONSTRAINT contracts_resend_count_check CHECK (resend_count >= 0),
    ADD COLUMN last_sent_at timestamptz,
    ADD CONSTRAINT contracts_document_complete CHECK (
        document_storage_key IS NULL
        OR (document_content_type IS NOT NULL AND document_size_bytes IS NOT NULL AND generated_at IS NOT NULL
            AND document_sha256 ~ '^[0-9a-f]{64}$')),
    ADD CONSTRAINT contracts_status_has_document CHECK (status IN ('draft', 'voided') OR document_storage_key IS NOT NULL),
    ADD CONSTRAINT contracts_status_has_agreement CHECK (
        status IN ('draft', 'generated', 'voided')
        OR (signature_provider IS NOT NULL AND signature_agreement_id IS NOT NULL AND sent_at IS NOT NULL));
CREATE INDEX contracts_company_status ON contracts (company_id, status, created_at DESC);

-- Signer e-mails are stored normalized, so the per-contract unique key is case-insensitive.
ALTER TABLE contract_signers
    ADD COLUMN last_sent_at timestamptz,
    ADD CONSTRAINT contract_signers_email_normalized CHECK (email = lower(btrim(email)) AND email LIKE '_%@_%');

-- ---------------------------------------------------------------------------------------------
-- Operations: a completed checklist is complete, and a complete one is closed (completed, or
-- archived afterwards); done tasks carry their completion time and only they do.
ALTER TABLE checklists
    ADD CONSTRAINT checklists_completed_is_complete CHECK (status <> 'completed' OR readiness_state = 'complete'),
    ADD CONSTRAINT checklists_complete_is_closed CHECK (readiness_state <> 'complete' OR status IN ('completed', 'archived'));
CREATE INDEX checklists_company_readiness ON checklists (company_id, readiness_state, created_at DESC);
CREATE INDEX checklists_company_status ON checklists (company_id, status, created_at DESC);

ALTER TABLE checklist_tasks
    ADD CONSTRAINT checklist_tasks_completed_at CHECK ((status = 'done') = (completed_at IS NOT NULL));

-- Offsets are at most a year either side of the anchor.
ALTER TABLE checklist_template_tasks
    ADD CONSTRAINT checklist_template_tasks_offset_range CHECK (due_offset_minutes BETWEEN -525600 AND 525600);
CREATE INDEX checklist_templates_company_name ON checklist_templates (company_id, lower(name));
