import Foundation
import KisumKernel

/// The configured models, built once from `AISettings`. `assistant` is the default provider of `/api/ai-kisum` and
/// `/chat`: the OpenAI-compatible endpoint when configured, else Gemini.
struct AIProviders: Sendable {
    var openAI: (any ChatModel)?
    var gemini: (any ChatModel)?
    var n8n: (any ChatModel)?

    init(settings: AISettings) {
        let http = AIHTTP(transport: settings.transport, timeout: settings.timeout)
        openAI = settings.openAI.map { OpenAIChatModel(endpoint: $0, http: http) }
        gemini = settings.gemini.map { GeminiChatModel(endpoint: $0, http: http) }
        n8n = settings.n8n.map { N8nWebhook(webhook: $0, http: http) }
    }

    var assistant: (any ChatModel)? { openAI ?? gemini }

    /// The default model, or 503 `provider_not_configured` (the copilot's insights answer without it).
    func requireAssistant() throws -> any ChatModel {
        guard let model = assistant else { throw APIError.providerNotConfigured("AI model") }
        return model
    }

    func requireGemini() throws -> any ChatModel {
        guard let gemini else { throw APIError.providerNotConfigured("Gemini") }
        return gemini
    }

    func requireN8n() throws -> any ChatModel {
        guard let n8n else { throw APIError.providerNotConfigured("n8n") }
        return n8n
    }
}
