import Base
import Foundation
import KisumKernel
import Testing

/// Issue 14: the model is "configured by URL and key" (`AISettings`).
@Suite("Base AI settings")
struct AISettingsTests {
    /// The `AI_*` settings: each provider by URL and key, a URL without its key refused at start, keys never printed.
    @Test func settingsConfigureEachProviderByURLAndKey() throws {
        var none = EnvironmentReader([:])
        let off = BaseService.loadSettings(from: &none).ai
        #expect(none.problems.isEmpty)
        #expect(off.openAI == nil && off.gemini == nil && off.n8n == nil)
        #expect(off.timeout == .seconds(30))

        var missing = EnvironmentReader(["AI_OPENAI_URL": "https://api.openai.com/v1", "AI_GEMINI_URL": "not a url"])
        _ = BaseService.loadSettings(from: &missing)
        #expect(missing.problems.contains { $0.hasPrefix("AI_OPENAI_KEY must be set") })
        #expect(missing.problems.contains { $0.hasPrefix("AI_GEMINI_URL must be an http(s) URL") })
        #expect(throws: ConfigurationError.self) { try missing.validate(service: "base") }

        var all = EnvironmentReader([
            "AI_OPENAI_URL": "https://api.openai.com/v1/", "AI_OPENAI_KEY": "sk-live-secret", "AI_OPENAI_MODEL": "gpt-4.1",
            "AI_GEMINI_URL": "https://generativelanguage.googleapis.com", "AI_GEMINI_KEY": "gm-live-secret",
            "AI_N8N_WEBHOOK_URL": "https://n8n.example/webhook/kisum", "AI_N8N_SECRET": "n8n-live-secret", "AI_TIMEOUT_SECONDS": "45",
        ])
        let ai = BaseService.loadSettings(from: &all).ai
        #expect(all.problems.isEmpty)
        #expect(ai.openAI?.url == "https://api.openai.com/v1")
        #expect(ai.openAI?.model == "gpt-4.1")
        #expect(ai.gemini?.model == "gemini-2.0-flash")
        #expect(ai.n8n?.secret == "n8n-live-secret")
        #expect(ai.timeout == .seconds(45))
        for secret in ["sk-live-secret", "gm-live-secret", "n8n-live-secret"] {
            #expect(!"\(ai)".contains(secret))
            #expect(!String(reflecting: ai).contains(secret))
            #expect(!String(reflecting: ai.openAI).contains(secret) && !String(reflecting: ai.n8n).contains(secret))
        }
    }
}
