import KisumKernel

/// Where Venue asks the Promoter service about promoter events (`PROMOTERS_BASE_URL`, `PROMOTERS_API_KEY`,
/// `PROMOTERS_TIMEOUT_SECONDS`). Absent (no base URL) means "not configured": requests that carry a
/// promoterEventId then answer 503 `provider_not_configured` instead of storing an id nobody checked.
public struct PromoterDirectorySettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var baseURL: String
    /// The key Promoter accepts on its internal routes. Never printed: `description` leaves it out.
    public var apiKey: String
    /// The whole wait for one answer; Venue makes one attempt, so a request waits at most this long.
    public var timeout: Duration

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(3)) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
    }

    public var description: String { "baseURL: \(baseURL), apiKey: <redacted>, timeout: \(timeout)" }
    public var debugDescription: String { description }

    /// Nil when `PROMOTERS_BASE_URL` is unset. A base URL without `PROMOTERS_API_KEY` stops the service at
    /// start: every call would be refused by Promoter, which is a configuration mistake, not an outage.
    static func load(from env: inout EnvironmentReader) -> PromoterDirectorySettings? {
        let baseURL = env.url("PROMOTERS_BASE_URL", required: false, hint: "Promoter service base URL, e.g. http://promoter:8083")
        let apiKey = env.optional("PROMOTERS_API_KEY")
        let timeout = env.int("PROMOTERS_TIMEOUT_SECONDS", default: 3, range: 1...30)
        guard env.optional("PROMOTERS_BASE_URL") != nil else { return nil }
        if apiKey == nil {
            env.report("PROMOTERS_API_KEY must be set when PROMOTERS_BASE_URL is set (the internal key Promoter accepts)")
        }
        guard let baseURL, let apiKey else { return nil }
        return PromoterDirectorySettings(baseURL: baseURL, apiKey: apiKey, timeout: .seconds(timeout))
    }
}
