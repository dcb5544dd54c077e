-- Event tickets (issue 9, "Tickets"): an event's allocations (GA, VIP, presale, box office, an outlet's share),
-- their price tiers and the sales recorded against a tier.
--
-- "Sales can never exceed capacity (a database check, not only application code)": each level keeps a counter
-- of what its children use, maintained by triggers, with a CHECK against its own capacity:
--   tier:       sold + comps            <= capacity   (event_ticket_tiers_sold_within_capacity)
--   allocation: sum of tier capacities  <= capacity   (event_tickets_tiers_within_capacity)
--   event:      sum of allocation caps. <= capacity   (events_tickets_within_capacity, when the event has one)
-- A trigger's UPDATE of the parent's counter takes the parent's row lock, so concurrent writers on one tier
-- (or allocation, or event) queue on that row and each re-checks against the committed counter: two sales
-- that together oversell cannot both commit, whatever the application did before.

-- The event level: its allocations' capacities, summed. Only this migration's triggers write it.
ALTER TABLE events ADD COLUMN ticket_capacity integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT events_tickets_within_capacity CHECK (capacity IS NULL OR ticket_capacity <= capacity);

CREATE TABLE event_tickets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    event_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT event_tickets_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL DEFAULT 'general_admission'
        CONSTRAINT event_tickets_kind_check CHECK (kind IN ('general_admission', 'vip', 'presale', 'box_office', 'outlet', 'other')),
    capacity integer NOT NULL CONSTRAINT event_tickets_capacity_check CHECK (capacity BETWEEN 0 AND 1000000),
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT event_tickets_status_check CHECK (status IN ('draft', 'on_sale', 'off_sale', 'sold_out', 'cancelled')),
    on_sale_at timestamptz,
    off_sale_at timestamptz,
    -- Sum of this allocation's tier capacities (triggers below).
    tier_capacity integer NOT NULL DEFAULT 0,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_tickets_company_id_key UNIQUE (company_id, id),
    CONSTRAINT event_tickets_tiers_within_capacity CHECK (tier_capacity <= capacity),
    CONSTRAINT event_tickets_sale_window CHECK (off_sale_at IS NULL OR on_sale_at IS NULL OR off_sale_at > on_sale_at),
    -- Not cascading: an event with ticket allocations is refused deletion (the event's owner maps this to 409).
    CONSTRAINT event_tickets_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id)
);
CREATE INDEX event_tickets_company_event ON event_tickets (company_id, event_id, created_at, id);
CREATE INDEX event_tickets_company_created ON event_tickets (company_id, created_at, id);
CREATE INDEX event_tickets_company_name_trgm ON event_tickets USING gin (company_id, name gin_trgm_ops);

CREATE TABLE event_ticket_tiers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT event_ticket_tiers_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    price_minor bigint NOT NULL CONSTRAINT event_ticket_tiers_price_check CHECK (price_minor BETWEEN 0 AND 1000000000000000),
    capacity integer NOT NULL CONSTRAINT event_ticket_tiers_capacity_check CHECK (capacity BETWEEN 0 AND 1000000),
    sort_order integer NOT NULL DEFAULT 0,
    -- Sums over this tier's sales records (triggers below).
    sold integer NOT NULL DEFAULT 0,
    comps integer NOT NULL DEFAULT 0,
    gross_minor bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_ticket_tiers_company_id_key UNIQUE (company_id, id),
    CONSTRAINT event_ticket_tiers_name_key UNIQUE (company_id, ticket_id, name),
    CONSTRAINT event_ticket_tiers_sold_within_capacity CHECK (sold >= 0 AND comps >= 0 AND sold + comps <= capacity),
    CONSTRAINT event_ticket_tiers_ticket_fk FOREIGN KEY (company_id, ticket_id) REFERENCES event_tickets (company_id, id) ON DELETE CASCADE
);
CREATE INDEX event_ticket_tiers_company_ticket ON event_ticket_tiers (company_id, ticket_id, sort_order, created_at);

CREATE TABLE event_ticket_sales (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    tier_id uuid NOT NULL,
    -- A day's sales, or a period's (a weekly outlet report).
    sold_on date CONSTRAINT event_ticket_sales_sold_on_check CHECK (sold_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    period_start date CONSTRAINT event_ticket_sales_period_start_check CHECK (period_start BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    period_end date CONSTRAINT event_ticket_sales_period_end_check CHECK (period_end BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    quantity integer NOT NULL CONSTRAINT event_ticket_sales_quantity_check CHECK (quantity BETWEEN 0 AND 1000000),
    comps integer NOT NULL DEFAULT 0 CONSTRAINT event_ticket_sales_comps_check CHECK (comps BETWEEN 0 AND 1000000),
    gross_minor bigint NOT NULL CONSTRAINT event_ticket_sales_gross_check CHECK (gross_minor BETWEEN 0 AND 1000000000000000),
    channel text CONSTRAINT event_ticket_sales_channel_check CHECK (channel IS NULL OR length(btrim(channel)) BETWEEN 1 AND 100),
    external_ref text CONSTRAINT event_ticket_sales_external_ref_check CHECK (external_ref IS NULL OR length(external_ref) BETWEEN 1 AND 200),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT event_ticket_sales_company_id_key UNIQUE (company_id, id),
    CONSTRAINT event_ticket_sales_when CHECK ((sold_on IS NOT NULL AND period_start IS NULL AND period_end IS NULL)
        OR (sold_on IS NULL AND period_start IS NOT NULL AND period_end IS NOT NULL AND period_end >= period_start)),
    CONSTRAINT event_ticket_sales_something CHECK (quantity + comps > 0),
    -- Not cascading: a tier (or allocation) with sales records is refused deletion (409).
    CONSTRAINT event_ticket_sales_tier_fk FOREIGN KEY (company_id, tier_id) REFERENCES event_ticket_tiers (company_id, id)
);
-- Imports are idempotent on the external reference.
CREATE UNIQUE INDEX event_ticket_sales_external_ref_key ON event_ticket_sales (company_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE INDEX event_ticket_sales_company_tier ON event_ticket_sales (company_id, tier_id, sold_on, period_start);

-- Sales → the tier's counters (the tier's CHECK refuses an oversell; the UPDATE locks the tier row).
CREATE FUNCTION event_ticket_sales_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE event_ticket_tiers SET sold = sold - OLD.quantity, comps = comps - OLD.comps, gross_minor = gross_minor - OLD.gross_minor
        WHERE company_id = OLD.company_id AND id = OLD.tier_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE event_ticket_tiers SET sold = sold + NEW.quantity, comps = comps + NEW.comps, gross_minor = gross_minor + NEW.gross_minor
        WHERE company_id = NEW.company_id AND id = NEW.tier_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER event_ticket_sales_count AFTER INSERT OR UPDATE OR DELETE ON event_ticket_sales
    FOR EACH ROW EXECUTE FUNCTION event_ticket_sales_count();

-- Tiers → the allocation's tier_capacity.
CREATE FUNCTION event_ticket_tiers_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE event_tickets SET tier_capacity = tier_capacity - OLD.capacity WHERE company_id = OLD.company_id AND id = OLD.ticket_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE event_tickets SET tier_capacity = tier_capacity + NEW.capacity WHERE company_id = NEW.company_id AND id = NEW.ticket_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER event_ticket_tiers_count AFTER INSERT OR DELETE OR UPDATE OF capacity, ticket_id ON event_ticket_tiers
    FOR EACH ROW EXECUTE FUNCTION event_ticket_tiers_count();

-- Allocations → the event's ticket_capacity.
CREATE FUNCTION event_tickets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE events SET ticket_capacity = ticket_capacity - OLD.capacity WHERE company_id = OLD.company_id AND id = OLD.event_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE events SET ticket_capacity = ticket_capacity + NEW.capacity WHERE company_id = NEW.company_id AND id = NEW.event_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER event_tickets_count AFTER INSERT OR DELETE OR UPDATE OF capacity, event_id ON event_tickets
    FOR EACH ROW EXECUTE FUNCTION event_tickets_count();
