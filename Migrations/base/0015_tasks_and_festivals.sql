-- Tasks with their comments, and festivals with their events (issue 9: "Tasks (8, with comments)", "Festivals (6,
-- lineup)"). Conventions as in 0009: company_id first in every index, children reference parents through
-- (company_id, parent_id).

-- ---------------------------------------------------------------------------------------------
-- Tasks: the to-dos of a booking team, optionally about one event.
CREATE TABLE tasks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    event_id uuid,
    title text NOT NULL CONSTRAINT tasks_title_check CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description text CONSTRAINT tasks_description_check CHECK (description IS NULL OR length(description) <= 10000),
    status text NOT NULL DEFAULT 'todo'
        CONSTRAINT tasks_status_check CHECK (status IN ('todo', 'in_progress', 'done', 'cancelled')),
    priority text NOT NULL DEFAULT 'normal'
        CONSTRAINT tasks_priority_check CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due_on date CONSTRAINT tasks_due_on_check CHECK (due_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    -- A Platform Core user of the company (no foreign key across services).
    assignee_id uuid,
    -- Set when the task becomes done, cleared when it is reopened.
    completed_at timestamptz,
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT tasks_company_id_key UNIQUE (company_id, id),
    -- Deleting an event keeps its tasks (they lose the link): nobody's work disappears with a cancelled show.
    CONSTRAINT tasks_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX tasks_company_status_due ON tasks (company_id, status, due_on, id);
CREATE INDEX tasks_company_due ON tasks (company_id, due_on, id);
CREATE INDEX tasks_company_assignee_due ON tasks (company_id, assignee_id, due_on) WHERE assignee_id IS NOT NULL;
CREATE INDEX tasks_company_event_due ON tasks (company_id, event_id, due_on) WHERE event_id IS NOT NULL;
CREATE INDEX tasks_company_title_trgm ON tasks USING gin (company_id, title gin_trgm_ops);

CREATE TABLE task_comments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    task_id uuid NOT NULL,
    body text NOT NULL CONSTRAINT task_comments_body_check CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
    author_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT task_comments_task_fk FOREIGN KEY (company_id, task_id) REFERENCES tasks (company_id, id) ON DELETE CASCADE
);
CREATE INDEX task_comments_company_task ON task_comments (company_id, task_id, created_at, id);

-- ---------------------------------------------------------------------------------------------
-- Festivals: one edition of a festival, its days and site; its events (stages, days) point at it.
CREATE TABLE festivals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT festivals_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    edition text CONSTRAINT festivals_edition_check CHECK (edition IS NULL OR length(btrim(edition)) BETWEEN 1 AND 100),
    year integer CONSTRAINT festivals_year_check CHECK (year BETWEEN 1900 AND 2199),
    starts_on date NOT NULL CONSTRAINT festivals_starts_on_check CHECK (starts_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    ends_on date NOT NULL CONSTRAINT festivals_ends_on_check CHECK (ends_on BETWEEN DATE '1900-01-01' AND DATE '2199-12-31'),
    -- Venue's venue (its id, no foreign key across services) with a snapshot of its name, as on events.
    venue_id uuid,
    venue_name text CONSTRAINT festivals_venue_name_check CHECK (venue_name IS NULL OR length(btrim(venue_name)) BETWEEN 1 AND 200),
    city text CONSTRAINT festivals_city_check CHECK (city IS NULL OR length(btrim(city)) BETWEEN 1 AND 100),
    country_id uuid CONSTRAINT festivals_country_fk REFERENCES countries (id),
    status text NOT NULL DEFAULT 'planning'
        CONSTRAINT festivals_status_check CHECK (status IN ('planning', 'announced', 'on_sale', 'completed', 'cancelled')),
    currency char(3) NOT NULL CONSTRAINT festivals_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    notes text CONSTRAINT festivals_notes_check CHECK (notes IS NULL OR length(notes) <= 5000),
    version integer NOT NULL DEFAULT 1,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT festivals_company_id_key UNIQUE (company_id, id),
    CONSTRAINT festivals_dates_ordered CHECK (ends_on >= starts_on)
);
CREATE INDEX festivals_company_starts ON festivals (company_id, starts_on, id);
CREATE INDEX festivals_company_name_trgm ON festivals USING gin (company_id, name gin_trgm_ops);

-- An event is on at most one festival; deleting the festival keeps its events (company_id is never nulled).
ALTER TABLE events ADD COLUMN festival_id uuid;
ALTER TABLE events ADD CONSTRAINT events_festival_fk FOREIGN KEY (company_id, festival_id)
    REFERENCES festivals (company_id, id) ON DELETE SET NULL (festival_id);
CREATE INDEX events_company_festival ON events (company_id, festival_id, event_date) WHERE festival_id IS NOT NULL;
