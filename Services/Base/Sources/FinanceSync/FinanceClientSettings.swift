import KisumKernel
import KisumServiceClient

/// Where Base reaches Finance (`FINANCE_BASE_URL`, `FINANCE_API_KEY`, `FINANCE_TIMEOUT_SECONDS`: Venue's names, since
/// both present the same key to the same service). Absent (no `FINANCE_BASE_URL`): the Integrations - Finance routes
/// that need Finance answer 503 `provider_not_configured` and nothing is relayed; a URL without its key stops the
/// service at start, since every call would be refused (a configuration mistake, not an outage).
public struct FinanceClientSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var baseURL: String
    /// The internal key Finance accepts. Never printed.
    public var apiKey: String
    /// The whole wait for one answer (one attempt; the outbox relay retries writes).
    public var timeout: Duration
    /// How requests travel: libcurl in production; tests may answer in-process.
    public var transport: any HTTPTransport

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(3), transport: any HTTPTransport = CurlTransport.shared) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
        self.transport = transport
    }

    public var description: String { "baseURL: \(baseURL), apiKey: <redacted>, timeout: \(timeout)" }
    public var debugDescription: String { description }

    static func load(from env: inout EnvironmentReader) -> FinanceClientSettings? {
        let baseURL = env.url("FINANCE_BASE_URL", required: false, hint: "Finance service base URL, e.g. http://finance:8082")
        let baseURLSet = env.optional("FINANCE_BASE_URL") != nil
        let apiKey = env.optional("FINANCE_API_KEY")
        let timeout = env.int("FINANCE_TIMEOUT_SECONDS", default: 3, range: 1...30)
        guard baseURLSet else { return nil }
        if apiKey == nil { env.report("FINANCE_API_KEY must be set when FINANCE_BASE_URL is set (the internal key Finance accepts)") }
        guard let baseURL, let apiKey else { return nil }
        return FinanceClientSettings(baseURL: baseURL, apiKey: apiKey, timeout: .seconds(timeout))
    }
}
