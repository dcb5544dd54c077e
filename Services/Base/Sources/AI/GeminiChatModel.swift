import Foundation
import KisumKernel
import KisumServiceClient

/// Google's Gemini API: `POST {url}/v1beta/models/{model}:generateContent` with the key in `x-goog-api-key` (never in
/// the query string, where it would reach access logs). System turns become `systemInstruction`; the assistant's
/// turns are Gemini's `model` role.
struct GeminiChatModel: ChatModel {
    let endpoint: AISettings.Endpoint
    let http: AIHTTP

    var provider: String { "gemini" }

    func complete(_ turns: [ChatTurn], context: ChatCallContext) async throws -> ChatCompletion {
        let system = turns.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        var body: [String: JSONValue] = [
            "contents": .array(turns.filter { $0.role != .system }.map { turn -> JSONValue in
                ["role": .string(turn.role == .assistant ? "model" : "user"), "parts": [["text": .string(turn.content)]]]
            }),
        ]
        if !system.isEmpty { body["systemInstruction"] = ["parts": [["text": .string(system)]]] }
        let model = endpoint.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#:")))
            ?? endpoint.model
        let response = try await http.postJSON(provider: provider, url: endpoint.url + "/v1beta/models/\(model):generateContent",
                                               headers: [("x-goog-api-key", endpoint.key)], body: .object(body))
        let json = try AIHTTP.json(response, provider: provider)
        let parts = json["candidates"]?[0]?["content"]?["parts"]?.arrayValue ?? []
        let text = parts.compactMap { $0["text"]?.stringValue }.joined()
        return ChatCompletion(content: try AIErrors.answerText(text, provider: provider),
                              model: json["modelVersion"]?.stringValue.flatMap(OpenAIChatModel.modelName) ?? OpenAIChatModel.modelName(endpoint.model),
                              promptTokens: AIErrors.tokens(json["usageMetadata"]?["promptTokenCount"]),
                              completionTokens: AIErrors.tokens(json["usageMetadata"]?["candidatesTokenCount"]))
    }
}
