import Foundation
import Hummingbird
import KisumKernel

/// The limits of the AI routes (issue 14's bounds): what a person may send, what a model's answer may be, how much
/// of the conversation goes back to the model, how long a conversation may grow.
enum AIBounds {
    /// A user's message, in code points (the contract's `maxLength`).
    static let messageLength = 8_000
    /// A model's answer as stored (the column's CHECK); longer answers are 502 `ai_provider_invalid_response`.
    static let answerLength = 32_000
    static let titleLength = 200
    /// The stored turns sent back to the model with a new message (the newest ones).
    static let historyTurns = 20
    /// A conversation's messages (the column's CHECK): beyond it, 409 `conversation_full`; start a new one.
    static let messagesPerConversation = 200
}

/// One stored message of a conversation.
public struct AIMessage: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var conversationId: UUID
    /// `user`, `assistant` or `system`.
    public var role: String
    public var content: String
    /// Who answered (`openai`, `gemini`, `n8n`); null on the user's messages.
    public var provider: String?
    public var model: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var createdAt: Date
}

/// A conversation of the AI assistant (`kind: assistant`) or of the Event Intelligence Copilot (`kind: copilot`,
/// about `eventId`). Only the user who started it reads it.
public struct AIConversation: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var eventId: UUID?
    public var title: String?
    public var messageCount: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// A conversation with its messages, oldest first.
public struct AIConversationDetail: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var kind: String
    public var eventId: UUID?
    public var title: String?
    public var messageCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var messages: [AIMessage]

    init(_ c: AIConversation, messages: [AIMessage]) {
        id = c.id; kind = c.kind; eventId = c.eventId; title = c.title; messageCount = c.messageCount; createdAt = c.createdAt
        updatedAt = c.updatedAt
        self.messages = messages
    }
}

/// What a model route answers: the conversation (new or continued), the user's message and the answer, both stored.
public struct AIReply: ResponseEncodable, Sendable, Equatable {
    public var conversation: AIConversation
    public var userMessage: AIMessage
    public var message: AIMessage
}

/// `POST /api/ai-kisum`, `/gemini`, `/n8n`: a message, in a new conversation unless `conversationId` names one of the
/// caller's assistant conversations; `title` names a new conversation (default: the message's first line).
struct AIPrompt: Decodable, Sendable, ValidatableBody {
    var message: String?
    var conversationId: UUID?
    var title: String?

    func validate(_ v: inout Validator) {
        v.text(message, "message", maxLength: AIBounds.messageLength)
        v.text(title, "title", required: false, maxLength: AIBounds.titleLength)
    }
}

/// `POST /api/ai-kisum/chat`: the next message of an existing assistant conversation.
struct AIChatInput: Decodable, Sendable, ValidatableBody {
    var conversationId: UUID?
    var message: String?

    func validate(_ v: inout Validator) {
        v.check(conversationId != nil, "conversationId", "required", "This field is required.")
        v.text(message, "message", maxLength: AIBounds.messageLength)
    }
}

/// `POST /api/ai-kisum/conversation`: an empty assistant conversation to chat in.
struct AIConversationInput: Decodable, Sendable, ValidatableBody {
    var title: String?

    func validate(_ v: inout Validator) {
        v.text(title, "title", required: false, maxLength: AIBounds.titleLength)
    }
}

enum AIText {
    /// The assistant's standing instruction, sent first on every call (never stored: it is ours, not the user's).
    static let assistantSystem = """
        You are Kisum's assistant for live-music professionals: promoters, agents, managers and venues. Answer \
        concisely and practically. When you are not sure of a fact, say so.
        """

    /// A new conversation's title: the given one, else the message's first line cut to 80 code points.
    static func title(_ given: String?, message: String) -> String? {
        if let given, !given.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return given.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: trimmed.unicodeScalars.prefix(80))
        let cut = String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
        return cut.isEmpty ? nil : cut
    }
}
