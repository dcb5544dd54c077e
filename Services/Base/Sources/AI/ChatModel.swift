import Foundation
import HTTPTypes
import KisumKernel
import KisumServiceClient
import Logging

/// One turn of a conversation as a model reads it.
struct ChatTurn: Sendable, Equatable {
    enum Role: String, Sendable { case system, user, assistant }
    var role: Role
    var content: String
}

/// What a model answered, with the token counts it reported (when it did).
struct ChatCompletion: Sendable, Equatable {
    var content: String
    /// The model that answered as the provider names it (an n8n workflow may name none).
    var model: String?
    var promptTokens: Int?
    var completionTokens: Int?
}

/// A chat model behind an HTTP API (issue 14: "the model sits behind a protocol"). `provider` is what the stored
/// message records (`openai`, `gemini`, `n8n`).
protocol ChatModel: Sendable {
    var provider: String { get }
    func complete(_ turns: [ChatTurn], context: ChatCallContext) async throws -> ChatCompletion
}

/// Who is asking, for providers that pass it on (the n8n workflow); the model APIs get only the turns.
struct ChatCallContext: Sendable {
    var companyID: UUID
    var userID: UUID
    var conversationID: UUID?
}

/// The one way Base calls a provider: a JSON POST over the shared libcurl transport, one attempt with the configured
/// deadline. Upstream 4xx → 502 `ai_provider_rejected` (the provider refused what we sent: a bad key, an unknown
/// model, a prompt it will not take), 5xx, 429, timeouts and unreachable → 503 `ai_provider_unavailable`, a 2xx we
/// cannot read → 502 `ai_provider_invalid_response`. Logs name the provider and the status only: never the URL
/// (Gemini's may carry the key), the key, the prompt or the answer.
struct AIHTTP: Sendable {
    var transport: any HTTPTransport
    var timeout: Duration

    /// Answers larger than this are refused rather than kept (a chat answer is a few KB).
    static let maxResponseBytes = 2 << 20

    func postJSON(provider: String, url: String, headers: [(name: String, value: String)], body: JSONValue) async throws -> OutboundResponse {
        let bytes = Array(try JSONCoding.encoder.encode(body))
        let request = OutboundRequest(method: "POST", url: url,
                                      headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + headers,
                                      body: bytes, timeout: timeout, connectTimeout: min(timeout, .seconds(5)))
        let logger = RequestLogger.current ?? Logger(label: "base.ai")
        let response: OutboundResponse
        do {
            response = try await transport.send(request)
        } catch let error as ServiceClientError {
            let reason = if case .timeout = error { "timed out" } else { "unreachable" }
            logger.warning("AI provider call failed", metadata: ["provider": .string(provider), "reason": .string(reason)])
            throw AIErrors.unavailable(provider)
        }
        if (200..<300).contains(response.status) {
            guard response.body.count <= Self.maxResponseBytes else {
                logger.warning("AI provider answer too large", metadata: ["provider": .string(provider), "bytes": .stringConvertible(response.body.count)])
                throw AIErrors.invalidResponse(provider)
            }
            return response
        }
        logger.warning("AI provider refused", metadata: ["provider": .string(provider), "status": .stringConvertible(response.status)])
        if (400..<500).contains(response.status) && response.status != 429 && response.status != 408 {
            throw AIErrors.rejected(provider, status: response.status)
        }
        throw AIErrors.unavailable(provider)
    }

    /// The body of a 2xx as JSON, or 502 `ai_provider_invalid_response`.
    static func json(_ response: OutboundResponse, provider: String) throws -> JSONValue {
        do {
            return try JSONValueParser.parse(response.bodyText)
        } catch {
            throw AIErrors.invalidResponse(provider)
        }
    }
}

enum AIErrors {
    static func rejected(_ provider: String, status: Int) -> APIError {
        APIError(.badGateway, code: "ai_provider_rejected", message: "The \(provider) provider refused the request (status \(status)).",
                 info: ["provider": .string(provider), "status": .number(Double(status))])
    }

    static func unavailable(_ provider: String) -> APIError {
        APIError(.serviceUnavailable, code: "ai_provider_unavailable",
                 message: "The \(provider) provider is unavailable (no answer in time, unreachable or failing); try again later.",
                 info: ["provider": .string(provider)])
    }

    static func invalidResponse(_ provider: String) -> APIError {
        APIError(.badGateway, code: "ai_provider_invalid_response", message: "The \(provider) provider sent an answer Base cannot read.",
                 info: ["provider": .string(provider)])
    }

    /// The answer as stored: trimmed, non-empty, at most `AIBounds.answerLength` characters.
    /// NUL is dropped (PostgreSQL text cannot hold it); length counts code points, as the column's CHECK does.
    static func answerText(_ text: String?, provider: String) throws -> String {
        let text = (text ?? "").replacingOccurrences(of: "\u{0}", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.unicodeScalars.count <= AIBounds.answerLength else { throw invalidResponse(provider) }
        return text
    }

    /// A token count as the provider reported it, kept only when it is a plausible non-negative integer.
    static func tokens(_ value: JSONValue?) -> Int? {
        guard let number = value?.doubleValue, number >= 0, number <= 100_000_000, number.rounded() == number else { return nil }
        return Int(exactly: number)
    }
}
