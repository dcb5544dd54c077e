import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Synchronization
import Testing

/// Issue 14: "AI assistant and Event Intelligence Copilot: conversations and messages stored in Base; the model sits
/// behind a protocol with an HTTP implementation for an OpenAI-compatible chat endpoint and one for Gemini
/// (configured by URL and key), tested against fake servers; the n8n route posts to a configured webhook. … No model
/// configured → the model routes answer `503 provider_not_configured`."
@Suite("Base AI assistant")
struct AITests {
    @Test func withoutAProviderTheModelRoutesAre503AndConversationsStillWork() async throws {
        try await withAI(BaseSettings()) { t in
            for path in ["/api/ai-kisum", "/api/ai-kisum/gemini", "/api/ai-kisum/n8n"] {
                let refused = try await t.a.post(path, ["message": "Hello"])
                #expect(refused.status == .serviceUnavailable, "\(path): \(refused.text)")
                #expect(refused.errorCode == "provider_not_configured")
            }
            let created = try await t.a.post("/api/ai-kisum/conversation", ["title": "Routing ideas"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["kind"] == "assistant")
            #expect(created.json["title"] == "Routing ideas")
            #expect(created.json["messageCount"] == 0)
            #expect(created.json["eventId"] == .null)
            let id = try #require(created.json["id"]?.uuid)
            let chat = try await t.a.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "Hi"])
            #expect(chat.status == .serviceUnavailable)
            #expect(chat.errorCode == "provider_not_configured")
            let read = try await t.a.get("/api/ai-kisum/conversation/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["messages"] == [])
            #expect(try await t.aiMessageCount() == 0)
        }
    }

    @Test func theDefaultProviderIsOpenAIAndChatSendsTheStoredHistory() async throws {
        try await withFakeAI { fake, t in
            let first = try await t.a.post("/api/ai-kisum", ["message": "Which venues hold 800 in Leeds?\nSecond line"])
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["conversation"]?["kind"] == "assistant")
            #expect(first.json["conversation"]?["title"] == "Which venues hold 800 in Leeds?")
            #expect(first.json["conversation"]?["messageCount"] == 2)
            #expect(first.json["userMessage"]?["role"] == "user")
            #expect(first.json["userMessage"]?["provider"] == .null)
            #expect(first.json["message"]?["role"] == "assistant")
            #expect(first.json["message"]?["content"] == "OpenAI on: Which venues hold 800 in Leeds?\nSecond line")
            #expect(first.json["message"]?["provider"] == "openai")
            #expect(first.json["message"]?["model"] == "gpt-test-0613")
            #expect(first.json["message"]?["promptTokens"] == 12)
            #expect(first.json["message"]?["completionTokens"] == 5)
            #expect(!first.text.contains(FakeAIProviders.openAIKey))

            let sent = try #require(fake.last("/v1/chat/completions"))
            #expect(sent.headers["authorization"] == "Bearer \(FakeAIProviders.openAIKey)")
            #expect(sent.body["model"] == "gpt-test")
            let messages = sent.body["messages"]?.arrayValue ?? []
            #expect(messages.map { $0["role"]?.stringValue } == ["system", "user"])
            #expect(messages.last?["content"] == "Which venues hold 800 in Leeds?\nSecond line")

            let id = try #require(first.json["conversation"]?["id"]?.uuid)
            let second = try await t.a.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "And in York?"])
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.json["conversation"]?["messageCount"] == 4)
            #expect(second.json["message"]?["content"] == "OpenAI on: And in York?")
            let history = fake.last("/v1/chat/completions")?.body["messages"]?.arrayValue ?? []
            #expect(history.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "user"])
            #expect(history.map { $0["content"]?.stringValue ?? "" }.dropFirst() ==
                    ["Which venues hold 800 in Leeds?\nSecond line", "OpenAI on: Which venues hold 800 in Leeds?\nSecond line", "And in York?"])

            // /api/ai-kisum with conversationId continues it too; the read answers all six in order.
            #expect(try await t.a.post("/api/ai-kisum", ["message": "Thanks", "conversationId": .uuid(id)]).status == .ok)
            let read = try await t.a.get("/api/ai-kisum/conversation/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["messageCount"] == 6)
            #expect(read.json["messages"]?.arrayValue?.map { $0["role"]?.stringValue } == ["user", "assistant", "user", "assistant", "user", "assistant"])
            #expect(read.json["messages"]?[4]?["content"] == "Thanks")
        }
    }

    @Test func geminiIsForcedByItsRouteAndIsTheDefaultWithoutOpenAI() async throws {
        try await withFakeAI(openAI: false) { fake, t in
            for path in ["/api/ai-kisum/gemini", "/api/ai-kisum"] {
                let answer = try await t.a.post(path, ["message": "Tour length?", "title": "Gemini chat"])
                #expect(answer.status == .ok, "\(path): \(answer.text)")
                #expect(answer.json["message"]?["content"] == "Gemini on: Tour length?")
                #expect(answer.json["message"]?["provider"] == "gemini")
                #expect(answer.json["message"]?["model"] == "gemini-test-001")
                #expect(answer.json["message"]?["promptTokens"] == 9)
                #expect(answer.json["conversation"]?["title"] == "Gemini chat")
            }
            let sent = try #require(fake.last("/v1beta/models/"))
            #expect(sent.path == "/v1beta/models/gemini-test:generateContent")
            #expect(sent.headers["x-goog-api-key"] == FakeAIProviders.geminiKey)
            #expect(!sent.query.contains("key="), "the key travels in a header, never in the URL")
            #expect(sent.body["systemInstruction"]?["parts"]?[0]?["text"]?.stringValue?.contains("Kisum") == true)
            #expect(sent.body["contents"]?.arrayValue?.map { $0["role"]?.stringValue } == ["user"])
            #expect(fake.last("/v1/chat/completions") == nil)
        }
        // With both configured, /gemini still goes to Gemini; an assistant turn is Gemini's `model` role.
        try await withFakeAI { fake, t in
            let first = try await t.a.post("/api/ai-kisum/gemini", ["message": "One"])
            let id = try #require(first.json["conversation"]?["id"]?.uuid)
            #expect(try await t.a.post("/api/ai-kisum/gemini", ["message": "Two", "conversationId": .uuid(id)]).status == .ok)
            let contents = fake.last("/v1beta/models/")?.body["contents"]?.arrayValue ?? []
            #expect(contents.map { $0["role"]?.stringValue } == ["user", "model", "user"])
            #expect(fake.last("/v1/chat/completions") == nil)
        }
    }

    @Test func theN8nRoutePostsToTheWebhookWithItsSecret() async throws {
        try await withFakeAI { fake, t in
            let first = try await t.a.post("/api/ai-kisum/n8n", ["message": "Book the van"])
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["message"]?["content"] == "From the workflow.")
            #expect(first.json["message"]?["provider"] == "n8n")
            #expect(first.json["message"]?["model"] == .null)
            let sent = try #require(fake.last("/webhook/kisum"))
            #expect(sent.headers["x-webhook-secret"] == FakeAIProviders.n8nSecret)
            #expect(sent.body["message"] == "Book the van")
            #expect(sent.body["companyId"]?.uuid == t.companyA)
            #expect(sent.body["conversationId"] == .null)
            #expect(sent.body["history"] == [])

            let id = try #require(first.json["conversation"]?["id"]?.uuid)
            fake.n8nAnswer.withLock { $0 = ("text/plain; charset=utf-8", "  Van booked.  ") }
            let second = try await t.a.post("/api/ai-kisum/n8n", ["message": "Thanks", "conversationId": .uuid(id)])
            #expect(second.json["message"]?["content"] == "Van booked.")
            let again = try #require(fake.last("/webhook/kisum"))
            #expect(again.body["conversationId"]?.uuid == id)
            #expect(again.body["history"]?.arrayValue?.map { $0["content"]?.stringValue } == ["Book the van", "From the workflow."])
        }
    }

    /// "upstream 4xx → 502 ai_provider_rejected, 5xx/timeout → 503 ai_provider_unavailable"; nothing is stored.
    @Test func providerFailuresMapToGatewayErrorsAndStoreNothing() async throws {
        // A timeout long enough for a loaded machine to answer the fast cases; the slow case waits well past it.
        try await withFakeAI(timeout: .seconds(8)) { fake, t in
            let cases: [(Int, String, HTTPResponse.Status, String)] = [
                (401, #"{"error":{"message":"Incorrect API key"}}"#, .badGateway, "ai_provider_rejected"),
                (400, #"{"error":{"message":"model not found"}}"#, .badGateway, "ai_provider_rejected"),
                (429, #"{"error":{"message":"slow down"}}"#, .serviceUnavailable, "ai_provider_unavailable"),
                (500, "oops", .serviceUnavailable, "ai_provider_unavailable"),
                (200, "not json", .badGateway, "ai_provider_invalid_response"),
                (200, #"{"choices":[]}"#, .badGateway, "ai_provider_invalid_response"),
            ]
            for (status, body, expected, code) in cases {
                fake.failure.withLock { $0 = (status, body) }
                let answer = try await t.a.post("/api/ai-kisum", ["message": "Hello"])
                #expect(answer.status == expected, "\(status) \(body): \(answer.text)")
                #expect(answer.errorCode == code)
                #expect(!answer.text.contains(FakeAIProviders.openAIKey))
            }
            fake.failure.withLock { $0 = nil }
            fake.delay.withLock { $0 = .seconds(12) }
            let slow = try await t.a.post("/api/ai-kisum/n8n", ["message": "Hello"])
            #expect(slow.status == .serviceUnavailable)
            #expect(slow.errorCode == "ai_provider_unavailable")
            #expect(try await t.aiConversationCount() == 0, "a failed call leaves no conversation")
            #expect(try await t.aiMessageCount() == 0)

            // A failure inside an existing conversation leaves it as it was.
            fake.delay.withLock { $0 = nil }
            let made = try await t.a.post("/api/ai-kisum", ["message": "Hello"])
            let id = try #require(made.json["conversation"]?["id"]?.uuid)
            fake.failure.withLock { $0 = (503, "down") }
            #expect(try await t.a.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "More"]).status == .serviceUnavailable)
            #expect(try await t.a.get("/api/ai-kisum/conversation/\(id)").json["messageCount"] == 2)
        }
    }

    @Test func validationOwnershipAndPermissions() async throws {
        try await withFakeAI { fake, t in
            #expect(try await t.a.post("/api/ai-kisum", [:]).errorFields == ["message"])
            #expect(try await t.a.post("/api/ai-kisum", ["message": "   "]).errorFields == ["message"])
            let long = try await t.a.post("/api/ai-kisum", ["message": .string(String(repeating: "a", count: 8_001))])
            #expect(long.status == .unprocessableContent)
            #expect(long.errorFields == ["message"])
            #expect(try await t.a.post("/api/ai-kisum", ["message": .string(String(repeating: "é", count: 8_000))]).status == .ok)
            #expect(try await t.a.post("/api/ai-kisum/gemini", ["message": "x", "title": .string(String(repeating: "t", count: 201))])
                .errorFields == ["title"])
            #expect(try await t.a.post("/api/ai-kisum/chat", ["message": "x"]).errorFields == ["conversationId"])
            #expect(try await t.a.post("/api/ai-kisum/conversation", ["title": .string(String(repeating: "t", count: 201))]).errorFields == ["title"])
            let malformed = try await t.a.request(.post, "/api/ai-kisum", rawBody: "{\"message\":")
            #expect(malformed.status == .badRequest)
            #expect(try await t.a.post("/api/ai-kisum", ["message": 5]).status == .badRequest)
            #expect(fake.count == 1, "invalid requests never reach the provider")

            let mine = try await t.a.post("/api/ai-kisum", ["message": "Mine"])
            let id = try #require(mine.json["conversation"]?["id"]?.uuid)
            // Another member of the same company, another company, an unknown or malformed id: 404.
            let colleague = t.a(permissions: aiPermissions)
            #expect(try await colleague.get("/api/ai-kisum/conversation/\(id)").status == .notFound)
            #expect(try await colleague.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "Hi"]).status == .notFound)
            #expect(try await t.b.get("/api/ai-kisum/conversation/\(id)").status == .notFound)
            #expect(try await t.b.post("/api/ai-kisum", ["conversationId": .uuid(id), "message": "Hi"]).status == .notFound)
            #expect(try await t.a.get("/api/ai-kisum/conversation/\(UUID())").status == .notFound)
            #expect(try await t.a.get("/api/ai-kisum/conversation/not-a-uuid").status == .notFound)
            #expect(try await t.a.get("/api/ai-kisum/conversation/\(id)").json["messageCount"] == 2)

            // The module gate plus basic.events.read.
            let outsider = t.a(permissions: [BasePermission.tasksRead])
            let calls: [(String, JSONValue)] = [("/api/ai-kisum", ["message": "Hi"]), ("/api/ai-kisum/conversation", [:])]
            for (path, body) in calls {
                let refused = try await outsider.post(path, body)
                #expect(refused.status == .forbidden)
                #expect(refused.json["error"]?["info"]?["permission"] == "basic.events.read")
            }
            #expect(try await outsider.get("/api/ai-kisum/conversation/\(id)").status == .forbidden)
            #expect(try await t.a(permissions: aiPermissions, modules: []).post("/api/ai-kisum", ["message": "Hi"]).status == .forbidden)

            // A full conversation takes no more (409), and the model is not asked.
            try await t.harness.database.query("UPDATE ai_conversations SET message_count = 200 WHERE id = \(id)")
            let before = fake.count
            let full = try await t.a.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "More"])
            #expect(full.status == .conflict)
            #expect(full.errorCode == "conversation_full")
            #expect(fake.count == before)
        }
    }
}
