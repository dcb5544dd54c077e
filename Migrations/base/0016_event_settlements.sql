-- Event settlements (issue 9: "the settlement of an event recomputes from actual sales and expenses and records
-- who signed it off"). One settlement per event: the deal engine's outcome for each accepted or converted
-- offer of the event over the event's actual ticket sales, with the actual expenses the settler entered.
-- Recomputing replaces it while it is open; once signed (status 'signed') it is the record of the night and
-- the event is 'settled'. When the company has a settlement threshold and the artists' payout reaches it, the
-- settlement waits in the approval queue (status 'pending_approval') and the approval signs it.

CREATE TABLE event_settlements (
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    status text NOT NULL CONSTRAINT event_settlements_status_check CHECK (status IN ('pending_approval', 'signed')),
    currency char(3) NOT NULL CONSTRAINT event_settlements_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    -- The actual sales the settlement was computed from ([TicketTier]) and one line per offer
    -- ({offerId, artistId, deal, expenses, outcome}).
    tiers jsonb NOT NULL,
    lines jsonb NOT NULL,
    gross_minor bigint NOT NULL,
    artist_payout_minor bigint NOT NULL,
    promoter_result_minor bigint NOT NULL,
    notes text CONSTRAINT event_settlements_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    -- Who settled it (and, after an approval, who approved it: decided_by on the approval item).
    settled_by uuid NOT NULL,
    settled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    signed_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    CONSTRAINT event_settlements_pkey PRIMARY KEY (company_id, event_id),
    CONSTRAINT event_settlements_signed CHECK ((status = 'signed') = (signed_at IS NOT NULL)),
    CONSTRAINT event_settlements_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE CASCADE
);
