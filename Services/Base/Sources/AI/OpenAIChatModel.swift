import Foundation
import KisumKernel
import KisumServiceClient

/// An OpenAI-compatible chat endpoint (OpenAI, Azure's compatible surface, vLLM, Ollama, LiteLLM …):
/// `POST {url}/chat/completions` with `Authorization: Bearer {key}`, the configured model and the turns as `messages`.
struct OpenAIChatModel: ChatModel {
    let endpoint: AISettings.Endpoint
    let http: AIHTTP

    var provider: String { "openai" }

    func complete(_ turns: [ChatTurn], context: ChatCallContext) async throws -> ChatCompletion {
        let body: JSONValue = [
            "model": .string(endpoint.model),
            "messages": .array(turns.map { turn -> JSONValue in ["role": .string(turn.role.rawValue), "content": .string(turn.content)] }),
        ]
        let response = try await http.postJSON(provider: provider, url: endpoint.url + "/chat/completions",
                                               headers: [("Authorization", "Bearer \(endpoint.key)")], body: body)
        let json = try AIHTTP.json(response, provider: provider)
        let message = json["choices"]?[0]?["message"]?["content"]?.stringValue
        return ChatCompletion(content: try AIErrors.answerText(message, provider: provider),
                              model: json["model"]?.stringValue.flatMap(Self.modelName) ?? Self.modelName(endpoint.model),
                              promptTokens: AIErrors.tokens(json["usage"]?["prompt_tokens"]),
                              completionTokens: AIErrors.tokens(json["usage"]?["completion_tokens"]))
    }

    /// A model name as stored (the column allows 1–200 code points; PostgreSQL text cannot hold NUL).
    static func modelName(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 200, !trimmed.unicodeScalars.contains("\u{0}") else { return nil }
        return trimmed
    }
}
