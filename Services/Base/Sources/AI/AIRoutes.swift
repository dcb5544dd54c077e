import Foundation
import Hummingbird
import KisumKernel

/// `/api/ai-kisum`: the AI assistant (issue 14). Conversations are the caller's own (another user's or another
/// company's → 404). The model routes ask a provider, then store the user's message and the answer together, so a
/// failed call leaves nothing half-written: `/api/ai-kisum` the default provider (OpenAI-compatible when configured,
/// else Gemini), `/gemini` Gemini, `/n8n` the configured n8n workflow; `/chat` continues an existing conversation
/// with the default provider. Permission: the module gate plus `basic.events.read` (the assistant is a tool of the
/// booking team; the catalog has no AI permission).
struct AIRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AIConversationsRepository
    let providers: AIProviders

    func addRoutes(to tenant: RouterGroup<Context>) {
        let ai = tenant.group("/api/ai-kisum")
        ai.post("", use: ask)
        ai.post("gemini", use: askGemini)
        ai.post("n8n", use: askN8n)
        ai.post("chat", use: chat)
        ai.post("conversation", use: create)
        ai.get("conversation/{id}", use: get)
    }

    @Sendable func ask(_ request: Request, context: Context) async throws -> AIReply {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValid(as: AIPrompt.self, context: context)
        return try await converse(scope, body, model: try providers.requireAssistant())
    }

    @Sendable func askGemini(_ request: Request, context: Context) async throws -> AIReply {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValid(as: AIPrompt.self, context: context)
        return try await converse(scope, body, model: try providers.requireGemini())
    }

    @Sendable func askN8n(_ request: Request, context: Context) async throws -> AIReply {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValid(as: AIPrompt.self, context: context)
        return try await converse(scope, body, model: try providers.requireN8n())
    }

    @Sendable func chat(_ request: Request, context: Context) async throws -> AIReply {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValid(as: AIChatInput.self, context: context)
        return try await converse(scope, AIPrompt(message: body.message, conversationId: body.conversationId, title: nil),
                                  model: try providers.requireAssistant())
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<AIConversation> {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let body = try await request.decodeValid(as: AIConversationInput.self, context: context)
        let title = body.title?.trimmingCharacters(in: .whitespacesAndNewlines)
        let conversation = try await repository.create(companyID: scope.companyID, userID: scope.userID, kind: "assistant", eventID: nil,
                                                       title: title)
        return EditedResponse(status: .created, response: conversation)
    }

    /// Any of the caller's conversations, the copilot's included, with every message oldest first.
    @Sendable func get(_ request: Request, context: Context) async throws -> AIConversationDetail {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "conversation")
        return try await repository.detail(companyID: scope.companyID, userID: scope.userID, id: id, kind: nil).orNotFound("conversation")
    }

    /// The exchange: the conversation's last turns and the new message go to `model`; only its answer is stored.
    func converse(_ scope: (companyID: UUID, userID: UUID), _ body: AIPrompt, model: any ChatModel) async throws -> AIReply {
        let message = body.message ?? ""
        var turns = [ChatTurn(role: .system, content: AIText.assistantSystem)]
        let target: AIConversationsRepository.Target
        if let id = body.conversationId {
            let thread = try await repository.thread(companyID: scope.companyID, userID: scope.userID, id: id).orNotFound("conversation")
            guard thread.conversation.kind == "assistant" else {
                throw APIError.validation(field: "conversationId", code: "copilot_conversation",
                                          message: "A copilot conversation continues with POST /api/event-intelligence-copilot/ask.")
            }
            guard thread.conversation.messageCount + 2 <= AIBounds.messagesPerConversation else { throw AIConversationsRepository.full }
            turns += thread.history
            target = .existing(id)
        } else {
            target = .new(kind: "assistant", eventID: nil, title: AIText.title(body.title, message: message))
        }
        turns.append(ChatTurn(role: .user, content: message))
        let answer = try await model.complete(turns, context: ChatCallContext(companyID: scope.companyID, userID: scope.userID,
                                                                              conversationID: body.conversationId))
        return try await repository.append(companyID: scope.companyID, userID: scope.userID, to: target, question: message, answer: answer,
                                           provider: model.provider).orNotFound("conversation")
    }
}
