import Foundation
import Hummingbird
import KisumKernel

/// `/api/event-intelligence-copilot` (issue 14): an event's insights computed from its stored data (no model needed),
/// and questions about them answered by the configured model, which is given the computed insights and only phrases
/// them. Without a model, `ask` is 503 `provider_not_configured` and the insights still answer. The figures show
/// money, so every route needs `basic.events.read`, `basic.income.read` and `basic.expenses.read`.
struct CopilotRoutes: Sendable {
    typealias Context = BaseService.Context
    let insights: EventInsightsRepository
    let conversations: AIConversationsRepository
    let providers: AIProviders

    func addRoutes(to tenant: RouterGroup<Context>) {
        let copilot = tenant.group("/api/event-intelligence-copilot")
        copilot.post("ask", use: ask)
        copilot.get("events/{eventId}/insights", use: eventInsights)
        copilot.get("conversations/{id}", use: conversation)
    }

    static func access(_ context: Context) throws -> (companyID: UUID, userID: UUID) {
        try context.require(permission: BasePermission.eventsRead)
        try context.require(permission: BasePermission.incomeRead)
        return try context.tenant(permission: BasePermission.expensesRead)
    }

    @Sendable func eventInsights(_ request: Request, context: Context) async throws -> EventInsights {
        let scope = try Self.access(context)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        return try await compute(companyID: scope.companyID, eventID: eventID)
    }

    @Sendable func conversation(_ request: Request, context: Context) async throws -> AIConversationDetail {
        let scope = try Self.access(context)
        let id = try context.parameters.uuid("id", what: "conversation")
        return try await conversations.detail(companyID: scope.companyID, userID: scope.userID, id: id, kind: "copilot")
            .orNotFound("conversation")
    }

    @Sendable func ask(_ request: Request, context: Context) async throws -> CopilotAnswer {
        let scope = try Self.access(context)
        let body = try await request.decodeValid(as: CopilotQuestion.self, context: context)
        let model = try providers.requireAssistant()
        let eventID = body.eventId ?? UUID()
        let question = body.question ?? ""
        var history: [ChatTurn] = []
        let target: AIConversationsRepository.Target
        if let id = body.conversationId {
            let thread = try await conversations.thread(companyID: scope.companyID, userID: scope.userID, id: id).orNotFound("conversation")
            guard thread.conversation.kind == "copilot" else {
                throw APIError.validation(field: "conversationId", code: "assistant_conversation",
                                          message: "An assistant conversation continues with POST /api/ai-kisum/chat.")
            }
            guard thread.conversation.eventId == eventID else {
                throw APIError.validation(field: "conversationId", code: "conversation_event_mismatch",
                                          message: "The conversation is about another event.")
            }
            guard thread.conversation.messageCount + 2 <= AIBounds.messagesPerConversation else { throw AIConversationsRepository.full }
            history = thread.history
            target = .existing(id)
        } else {
            target = .new(kind: "copilot", eventID: eventID, title: AIText.title(nil, message: question))
        }
        let insights = try await compute(companyID: scope.companyID, eventID: eventID)
        let turns = [ChatTurn(role: .system, content: CopilotPrompt.system(insights))] + history + [ChatTurn(role: .user, content: question)]
        let answer = try await model.complete(turns, context: ChatCallContext(companyID: scope.companyID, userID: scope.userID,
                                                                              conversationID: body.conversationId))
        let reply = try await conversations.append(companyID: scope.companyID, userID: scope.userID, to: target, question: question,
                                                   answer: answer, provider: model.provider).orNotFound("conversation")
        return CopilotAnswer(conversation: reply.conversation, userMessage: reply.userMessage, message: reply.message, insights: insights)
    }

    func compute(companyID: UUID, eventID: UUID) async throws -> EventInsights {
        let row = try await insights.insights(companyID: companyID, eventID: eventID).orNotFound("event")
        return EventInsights(eventId: eventID, eventName: row.name, eventDate: row.date, eventStatus: row.status, currency: row.currency,
                             figures: row.figures, comparison: row.comparison, insights: EventInsightWriter.insights(row),
                             ratesUsed: row.rates)
    }
}

/// What the model is told: to phrase the computed findings, never to invent figures.
enum CopilotPrompt {
    static func system(_ insights: EventInsights) -> String {
        var lines = [
            "You are Kisum's Event Intelligence Copilot. Answer the user's question about one event using only the findings "
                + "below, computed by Kisum from the event's stored data. Do not invent or recompute figures; if the findings "
                + "cannot answer the question, say what is missing. Amounts are in \(insights.currency).",
            "",
            "Event: \(insights.eventName) on \(insights.eventDate) (status \(insights.eventStatus)).",
            "Findings:",
        ]
        lines += insights.insights.map { "- [\($0.code)] \($0.sentence)" }
        return lines.joined(separator: "\n")
    }
}
