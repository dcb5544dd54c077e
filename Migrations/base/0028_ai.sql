-- The AI assistant's and the Event Intelligence Copilot's conversations (issue 14: "conversations and messages
-- stored in Base"). A conversation belongs to one user of one company: only its owner reads it, so every lookup
-- names company_id and user_id. Messages are written in pairs (the question and the model's answer) in one
-- transaction after the model answered, so a failed call leaves nothing behind.

CREATE TABLE ai_conversations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    -- A Platform Core user (or API key) id: no foreign key across services.
    user_id uuid NOT NULL,
    kind text NOT NULL CONSTRAINT ai_conversations_kind_check CHECK (kind IN ('assistant', 'copilot')),
    event_id uuid,
    title text CONSTRAINT ai_conversations_title_check CHECK (title IS NULL OR length(btrim(title)) BETWEEN 1 AND 200),
    -- Kept beside the rows so the cap (AIBounds.messagesPerConversation) is checked under the conversation's row lock.
    message_count integer NOT NULL DEFAULT 0 CONSTRAINT ai_conversations_message_count_check CHECK (message_count BETWEEN 0 AND 200),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT ai_conversations_company_id_key UNIQUE (company_id, id),
    -- The copilot talks about one event (null once that event is deleted); the assistant about none.
    CONSTRAINT ai_conversations_event_kind CHECK (kind = 'copilot' OR event_id IS NULL),
    -- Deleting an event keeps the user's conversation about it (it loses the link).
    CONSTRAINT ai_conversations_event_fk FOREIGN KEY (company_id, event_id) REFERENCES events (company_id, id) ON DELETE SET NULL (event_id)
);
CREATE INDEX ai_conversations_company_user ON ai_conversations (company_id, user_id, kind, updated_at DESC);
CREATE INDEX ai_conversations_company_event ON ai_conversations (company_id, event_id) WHERE event_id IS NOT NULL;

CREATE TABLE ai_messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    role text NOT NULL CONSTRAINT ai_messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    -- Users write at most 8,000 characters (AIBounds); a model's answer is kept up to 32,000.
    content text NOT NULL CONSTRAINT ai_messages_content_check CHECK (length(content) BETWEEN 1 AND 32000),
    -- Who answered (openai, gemini, n8n) and with which model; null on the user's own messages.
    provider text CONSTRAINT ai_messages_provider_check CHECK (provider IS NULL OR provider IN ('openai', 'gemini', 'n8n')),
    model text CONSTRAINT ai_messages_model_check CHECK (model IS NULL OR length(model) BETWEEN 1 AND 200),
    -- As the provider reported them, when it did.
    prompt_tokens integer CONSTRAINT ai_messages_prompt_tokens_check CHECK (prompt_tokens IS NULL OR prompt_tokens >= 0),
    completion_tokens integer CONSTRAINT ai_messages_completion_tokens_check CHECK (completion_tokens IS NULL OR completion_tokens >= 0),
    -- Orders the messages of one conversation; the pair written together gets consecutive numbers.
    position integer NOT NULL CONSTRAINT ai_messages_position_check CHECK (position BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT ai_messages_position_key UNIQUE (company_id, conversation_id, position),
    CONSTRAINT ai_messages_conversation_fk FOREIGN KEY (company_id, conversation_id)
        REFERENCES ai_conversations (company_id, id) ON DELETE CASCADE
);
