import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Conversations and messages (migration 0028). Every statement names the company and the owner: another user's or
/// another company's conversation is not found.
struct AIConversationsRepository: Sendable {
    let database: Database

    static let conversationColumns = """
        c.id, c.kind, c.event_id, c.title, c.message_count, c.created_at, c.updated_at
        """
    static let messageColumns = """
        m.id AS message_id, m.conversation_id, m.role, m.content, m.provider, m.model, m.prompt_tokens, m.completion_tokens,
        m.created_at AS message_created_at
        """

    static func conversation(_ row: PostgresRow) throws -> AIConversation {
        let c = Columns(row)
        return AIConversation(id: try c("id"), kind: try c("kind"), eventId: try c("event_id"), title: try c("title"),
                              messageCount: try c("message_count"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func message(_ row: PostgresRow) throws -> AIMessage? {
        let c = Columns(row)
        guard let id = try c("message_id", as: UUID?.self) else { return nil }
        return AIMessage(id: id, conversationId: try c("conversation_id"), role: try c("role"), content: try c("content"),
                         provider: try c("provider"), model: try c("model"), promptTokens: try c("prompt_tokens"),
                         completionTokens: try c("completion_tokens"), createdAt: try c("message_created_at"))
    }

    /// Where a new exchange goes: an existing conversation of the caller, or a new one made with the messages.
    enum Target: Sendable {
        case existing(UUID)
        case new(kind: String, eventID: UUID?, title: String?)
    }

    /// A conversation with the newest `AIBounds.historyTurns` messages, oldest first: what the model reads next.
    struct Thread: Sendable {
        var conversation: AIConversation
        var history: [ChatTurn]
    }

    func create(companyID: UUID, userID: UUID, kind: String, eventID: UUID?, title: String?) async throws -> AIConversation {
        let row = try await database.query("""
            INSERT INTO ai_conversations AS c (company_id, user_id, kind, event_id, title)
            VALUES (\(companyID), \(userID), \(kind), \(eventID), \(title))
            RETURNING \(unescaped: Self.conversationColumns)
            """).first(Self.conversation)
        guard let row else { throw APIError.internalError }
        return row
    }

    /// The caller's conversation (of `kind` when given) with all its messages; nil when it is not theirs.
    func detail(companyID: UUID, userID: UUID, id: UUID, kind: String?) async throws -> AIConversationDetail? {
        var conversation: AIConversation?
        var messages: [AIMessage] = []
        let rows = try await database.query("""
            SELECT \(unescaped: Self.conversationColumns), \(unescaped: Self.messageColumns)
            FROM ai_conversations c
            LEFT JOIN ai_messages m ON m.company_id = c.company_id AND m.conversation_id = c.id
            WHERE c.company_id = \(companyID) AND c.user_id = \(userID) AND c.id = \(id)
              AND (\(kind)::text IS NULL OR c.kind = \(kind))
            ORDER BY m.position
            """).collect { row in (try Self.conversation(row), try Self.message(row)) }
        for (c, m) in rows {
            conversation = conversation ?? c
            if let m { messages.append(m) }
        }
        return conversation.map { AIConversationDetail($0, messages: messages) }
    }

    /// The caller's conversation and its last turns, in one statement; nil when it is not theirs.
    func thread(companyID: UUID, userID: UUID, id: UUID) async throws -> Thread? {
        let rows = try await database.query("""
            SELECT \(unescaped: Self.conversationColumns), h.role AS history_role, h.content AS history_content
            FROM ai_conversations c
            LEFT JOIN LATERAL (
                SELECT m.role, m.content, m.position FROM ai_messages m
                WHERE m.company_id = c.company_id AND m.conversation_id = c.id
                ORDER BY m.position DESC LIMIT \(AIBounds.historyTurns)) h ON true
            WHERE c.company_id = \(companyID) AND c.user_id = \(userID) AND c.id = \(id)
            ORDER BY h.position
            """).collect { row -> (AIConversation, ChatTurn?) in
                let c = Columns(row)
                let role = try c("history_role", as: String?.self).flatMap(ChatTurn.Role.init(rawValue:))
                let content = try c("history_content", as: String?.self)
                return (try Self.conversation(row), role.flatMap { role in content.map { ChatTurn(role: role, content: $0) } })
            }
        guard let first = rows.first else { return nil }
        return Thread(conversation: first.0, history: rows.compactMap(\.1))
    }

    /// Stores the user's message and the model's answer together, after the model answered: one transaction that
    /// creates the conversation (for `.new`) or locks the caller's one and appends at its end. Nil when an existing
    /// conversation is not the caller's; 409 `conversation_full` past `AIBounds.messagesPerConversation`.
    func append(companyID: UUID, userID: UUID, to target: Target, question: String, answer: ChatCompletion, provider: String)
        async throws -> AIReply? {
        let logger = database.logger
        return try await database.transaction { connection -> AIReply? in
            let conversation: AIConversation?
            switch target {
            case .existing(let id):
                conversation = try await connection.query("""
                    SELECT \(unescaped: Self.conversationColumns) FROM ai_conversations c
                    WHERE c.company_id = \(companyID) AND c.user_id = \(userID) AND c.id = \(id)
                    FOR NO KEY UPDATE
                    """, logger: logger).first(Self.conversation)
            case .new(let kind, let eventID, let title):
                conversation = try await connection.query("""
                    INSERT INTO ai_conversations AS c (company_id, user_id, kind, event_id, title)
                    VALUES (\(companyID), \(userID), \(kind), \(eventID), \(title))
                    RETURNING \(unescaped: Self.conversationColumns)
                    """, logger: logger).first(Self.conversation)
            }
            guard let conversation else { return nil }
            guard conversation.messageCount + 2 <= AIBounds.messagesPerConversation else { throw Self.full }
            let position = conversation.messageCount + 1
            let messages = try await connection.query("""
                INSERT INTO ai_messages AS m (company_id, conversation_id, role, content, provider, model, prompt_tokens, completion_tokens,
                                             position)
                VALUES (\(companyID), \(conversation.id), 'user', \(question), NULL, NULL, NULL, NULL, \(position)),
                       (\(companyID), \(conversation.id), 'assistant', \(answer.content), \(provider), \(answer.model),
                        \(answer.promptTokens), \(answer.completionTokens), \(position + 1))
                RETURNING \(unescaped: Self.messageColumns)
                """, logger: logger).collect(Self.message).compactMap { $0 }
            let updated = try await connection.query("""
                UPDATE ai_conversations c SET message_count = message_count + 2, updated_at = clock_timestamp()
                WHERE c.company_id = \(companyID) AND c.id = \(conversation.id)
                RETURNING \(unescaped: Self.conversationColumns)
                """, logger: logger).first(Self.conversation)
            guard let updated, let user = messages.first(where: { $0.role == "user" }),
                  let assistant = messages.first(where: { $0.role == "assistant" }) else { throw APIError.internalError }
            return AIReply(conversation: updated, userMessage: user, message: assistant)
        }
    }

    static let full = APIError.conflict("conversation_full",
                                        "The conversation holds \(AIBounds.messagesPerConversation) messages, its most: start a new one.",
                                        info: ["maxMessages": .number(Double(AIBounds.messagesPerConversation))])
}
