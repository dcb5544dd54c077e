import Base
import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PostgresNIO
import Synchronization

/// Stand-ins for the providers the AI routes call, on one loopback port: an OpenAI-compatible endpoint
/// (`/v1/chat/completions`), Gemini (`/v1beta/models/{model}:generateContent`) and an n8n webhook (`/webhook/kisum`).
/// Each records what it received (path, query, headers, JSON body) and answers like the real one; `failure` scripts
/// a status and body, `delay` a slow answer.
final class FakeAIProviders: Sendable {
    struct Received: Sendable {
        var path: String
        var query: String
        /// By lower-case name.
        var headers: [String: String]
        var body: JSONValue
    }

    static let openAIKey = "sk-test-openai-secret"
    static let geminiKey = "gm-test-gemini-secret"
    static let n8nSecret = "n8n-test-secret"

    let received = Mutex<[Received]>([])
    let failure = Mutex<(status: Int, body: String)?>(nil)
    let delay = Mutex<Duration?>(nil)
    /// What the n8n workflow answers: content type and body.
    let n8nAnswer = Mutex<(String, String)>(("application/json", #"[{"output":"From the workflow."}]"#))

    func last(_ prefix: String) -> Received? { received.withLock { $0.last { $0.path.hasPrefix(prefix) } } }
    var count: Int { received.withLock { $0.count } }

    /// Base's settings with the chosen providers pointing here.
    func settings(port: Int, openAI: Bool = true, gemini: Bool = true, n8n: Bool = true, timeout: Duration = .seconds(20)) -> BaseSettings {
        let base = "http://127.0.0.1:\(port)"
        return BaseSettings(ai: AISettings(
            openAI: openAI ? AISettings.Endpoint(url: base + "/v1/", key: Self.openAIKey, model: "gpt-test") : nil,
            gemini: gemini ? AISettings.Endpoint(url: base, key: Self.geminiKey, model: "gemini-test") : nil,
            n8n: n8n ? AISettings.Webhook(url: base + "/webhook/kisum", secret: Self.n8nSecret) : nil,
            timeout: timeout))
    }

    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            let body = try await self.record(request)
            if let scripted = try await self.scripted() { return scripted }
            let messages = body["messages"]?.arrayValue ?? []
            let question = messages.last?["content"]?.stringValue ?? ""
            return Self.json(200, ["id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test-0613",
                                   "choices": [["index": 0, "message": ["role": "assistant", "content": .string("OpenAI on: \(question)")],
                                                "finish_reason": "stop"]],
                                   "usage": ["prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17]])
        }
        router.post("/v1beta/models/{action}") { request, _ in
            let body = try await self.record(request)
            if let scripted = try await self.scripted() { return scripted }
            let question = body["contents"]?.arrayValue?.last?["parts"]?[0]?["text"]?.stringValue ?? ""
            return Self.json(200, ["candidates": [["content": ["role": "model", "parts": [["text": "Gemini on: "], ["text": .string(question)]]],
                                                   "finishReason": "STOP"]],
                                   "usageMetadata": ["promptTokenCount": 9, "candidatesTokenCount": 4], "modelVersion": "gemini-test-001"])
        }
        router.post("/webhook/kisum") { request, _ in
            _ = try await self.record(request)
            if let scripted = try await self.scripted() { return scripted }
            let (type, text) = self.n8nAnswer.withLock { $0 }
            return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    private func record(_ request: Request) async throws -> JSONValue {
        let bytes = try await request.body.collect(upTo: 4 << 20)
        let body = (try? JSONValueParser.parse(String(buffer: bytes))) ?? .null
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        received.withLock {
            $0.append(Received(path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: body))
        }
        return body
    }

    private func scripted() async throws -> Response? {
        if let delay = delay.withLock({ $0 }) { try await Task.sleep(for: delay) }
        guard let (status, body) = failure.withLock({ $0 }) else { return nil }
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        let bytes = (try? JSONCoding.encoder.encode(value)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

let aiPermissions = [BasePermission.eventsRead, BasePermission.incomeRead, BasePermission.expensesRead]

/// Base with `settings` and two companies whose members hold the AI and copilot permissions.
func withAI(_ settings: BaseSettings, _ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: settings)
    try await harness.withTwoCompanies(permissions: aiPermissions, module: BasePermission.module, body)
}

/// The fake providers running, and Base configured with them (`openAI`, `gemini`, `n8n` choose which).
func withFakeAI(openAI: Bool = true, gemini: Bool = true, n8n: Bool = true, timeout: Duration = .seconds(20),
                _ body: @Sendable @escaping (FakeAIProviders, TwoCompanies<BaseService>) async throws -> Void) async throws {
    let fake = FakeAIProviders()
    try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
        try await withAI(fake.settings(port: port, openAI: openAI, gemini: gemini, n8n: n8n, timeout: timeout)) { t in
            try await body(fake, t)
        }
    }
}

extension TwoCompanies where Service == BaseService {
    /// Messages stored in the whole database (nothing half-written checks).
    func aiMessageCount() async throws -> Int {
        try await harness.database.query("SELECT count(*)::int FROM ai_messages").count()
    }

    func aiConversationCount() async throws -> Int {
        try await harness.database.query("SELECT count(*)::int FROM ai_conversations").count()
    }
}
