import KisumKernel
import KisumServiceClient

/// The AI providers Base can ask (issue 14): an OpenAI-compatible chat endpoint, Gemini, and an n8n workflow behind a
/// webhook, each configured by URL and key. None is required: without one, the routes that need it answer 503
/// `provider_not_configured` and the copilot's computed insights still answer. A URL without its key stops the
/// service at start (every call would be refused: a configuration mistake, not an outage).
public struct AISettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Endpoint: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The provider's base URL, without a trailing slash.
        public var url: String
        /// Never printed, logged or sent anywhere but the provider.
        public var key: String
        public var model: String

        public init(url: String, key: String, model: String) {
            self.url = AISettings.trimmed(url)
            self.key = key
            self.model = model
        }

        public var description: String { "\(url) (\(model)), key <redacted>" }
        public var debugDescription: String { description }
    }

    public struct Webhook: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        public var url: String
        /// Sent as `X-Webhook-Secret` when set (n8n's Header Auth); never printed.
        public var secret: String?

        public init(url: String, secret: String? = nil) {
            self.url = url
            self.secret = secret
        }

        public var description: String { url + (secret == nil ? "" : ", secret <redacted>") }
        public var debugDescription: String { description }
    }

    public var openAI: Endpoint?
    public var gemini: Endpoint?
    public var n8n: Webhook?
    /// The whole wait for one answer (one attempt: a person is waiting, and a model call is not idempotent).
    public var timeout: Duration
    /// How requests travel: libcurl in production.
    public var transport: any HTTPTransport

    public init(openAI: Endpoint? = nil, gemini: Endpoint? = nil, n8n: Webhook? = nil, timeout: Duration = .seconds(30),
                transport: any HTTPTransport = CurlTransport.shared) {
        self.openAI = openAI
        self.gemini = gemini
        self.n8n = n8n
        self.timeout = timeout
        self.transport = transport
    }

    public var description: String {
        "openAI: \(openAI?.description ?? "off"), gemini: \(gemini?.description ?? "off"), n8n: \(n8n?.description ?? "off"), "
            + "timeout: \(timeout)"
    }
    public var debugDescription: String { description }

    static let defaultOpenAIModel = "gpt-4o-mini"
    static let defaultGeminiModel = "gemini-2.0-flash"

    static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// `AI_OPENAI_URL` + `AI_OPENAI_KEY` (+ `AI_OPENAI_MODEL`), `AI_GEMINI_URL` + `AI_GEMINI_KEY` (+ `AI_GEMINI_MODEL`),
    /// `AI_N8N_WEBHOOK_URL` (+ `AI_N8N_SECRET`), `AI_TIMEOUT_SECONDS` (default 30, 1–120).
    static func load(from env: inout EnvironmentReader) -> AISettings {
        let timeout = env.int("AI_TIMEOUT_SECONDS", default: 30, range: 1...120)
        let openAI = endpoint(&env, url: "AI_OPENAI_URL", key: "AI_OPENAI_KEY", model: "AI_OPENAI_MODEL", defaultModel: defaultOpenAIModel,
                              hint: "OpenAI-compatible API base, e.g. https://api.openai.com/v1")
        let gemini = endpoint(&env, url: "AI_GEMINI_URL", key: "AI_GEMINI_KEY", model: "AI_GEMINI_MODEL", defaultModel: defaultGeminiModel,
                              hint: "Gemini API base, e.g. https://generativelanguage.googleapis.com")
        let webhook = env.url("AI_N8N_WEBHOOK_URL", required: false, hint: "n8n webhook URL, e.g. https://n8n.example/webhook/kisum")
        let secret = env.optional("AI_N8N_SECRET")
        return AISettings(openAI: openAI, gemini: gemini, n8n: webhook.map { Webhook(url: $0, secret: secret) }, timeout: .seconds(timeout))
    }

    private static func endpoint(_ env: inout EnvironmentReader, url name: String, key keyName: String, model modelName: String,
                                 defaultModel: String, hint: String) -> Endpoint? {
        let url = env.url(name, required: false, hint: hint)
        let key = env.optional(keyName)
        let model = env.string(modelName, default: defaultModel)
        guard env.optional(name) != nil else { return nil }
        if key == nil { env.report("\(keyName) must be set when \(name) is set (the provider's API key)") }
        guard let url, let key else { return nil }
        return Endpoint(url: url, key: key, model: model)
    }
}
