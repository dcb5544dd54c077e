import Foundation
import KisumKernel
import KisumServiceClient

/// An n8n workflow behind a webhook (`AI_N8N_WEBHOOK_URL`): Base POSTs
/// `{companyId, userId, conversationId, message, history: [{role, content}]}` with `X-Webhook-Secret` when
/// `AI_N8N_SECRET` is set (n8n's Header Auth). The workflow answers with its "Respond to Webhook" node: a JSON object
/// (or a one-element array of one, n8n's default) whose `output`, `text`, `answer`, `reply`, `response` or `message`
/// string is the answer, or plain text. An optional `model` string is recorded.
struct N8nWebhook: ChatModel {
    let webhook: AISettings.Webhook
    let http: AIHTTP

    var provider: String { "n8n" }

    static let answerKeys = ["output", "text", "answer", "reply", "response", "message"]

    func complete(_ turns: [ChatTurn], context: ChatCallContext) async throws -> ChatCompletion {
        let spoken = turns.filter { $0.role != .system }
        let message = spoken.last?.content ?? ""
        let body: JSONValue = [
            "companyId": .uuid(context.companyID),
            "userId": .uuid(context.userID),
            "conversationId": context.conversationID.map { .uuid($0) } ?? .null,
            "message": .string(message),
            "history": .array(spoken.dropLast().map { turn -> JSONValue in ["role": .string(turn.role.rawValue), "content": .string(turn.content)] }),
        ]
        let headers: [(name: String, value: String)] = webhook.secret.map { [("X-Webhook-Secret", $0)] } ?? []
        let response = try await http.postJSON(provider: provider, url: webhook.url, headers: headers, body: body)
        let contentType = response.header("Content-Type")?.lowercased() ?? ""
        guard contentType.contains("json") else {
            return ChatCompletion(content: try AIErrors.answerText(response.bodyText, provider: provider), model: nil)
        }
        let json = try AIHTTP.json(response, provider: provider)
        let object = json.arrayValue.flatMap { $0.first } ?? json
        let answer = Self.answerKeys.lazy.compactMap { object[$0]?.stringValue }.first
        return ChatCompletion(content: try AIErrors.answerText(answer, provider: provider),
                              model: object["model"]?.stringValue.flatMap(OpenAIChatModel.modelName))
    }
}
