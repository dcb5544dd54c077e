import KisumKernel
import KisumServiceClient

/// Where Base reaches setlist.fm (`SETLISTFM_URL`, default https://api.setlist.fm/rest; `SETLISTFM_API_KEY`;
/// `SETLISTFM_TIMEOUT_SECONDS`, default 5). Without a key the Setlistfm routes answer 503 `provider_not_configured`:
/// setlist.fm refuses every call without one, so a URL alone configures nothing.
public struct SetlistfmSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let defaultURL = "https://api.setlist.fm/rest"

    public var baseURL: String
    /// The `x-api-key` setlist.fm issued. Never printed.
    public var apiKey: String
    /// The wait for one answer (one attempt).
    public var timeout: Duration
    /// Attempts per call when setlist.fm answers 429 (the first included).
    public var maxAttempts: Int
    /// The longest a 429's `Retry-After` is waited out; a longer one gives up at once (503 `setlistfm_rate_limited`),
    /// since retrying earlier than asked would not honour it and a person is waiting.
    public var maxRetryWait: Duration
    /// The pause before a retry when a 429 names no usable `Retry-After`; doubled per attempt, never above `maxRetryWait`.
    public var backoff: Duration
    /// setlist.fm's standard key allows 2 requests a second; calls from this process are spaced at least this far apart.
    public var minInterval: Duration
    /// How requests travel: libcurl in production; tests may answer in-process.
    public var transport: any HTTPTransport

    public init(baseURL: String = SetlistfmSettings.defaultURL, apiKey: String, timeout: Duration = .seconds(5), maxAttempts: Int = 3,
                maxRetryWait: Duration = .seconds(5), backoff: Duration = .milliseconds(500), minInterval: Duration = .milliseconds(500),
                transport: any HTTPTransport = CurlTransport.shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxAttempts = min(max(maxAttempts, 1), 10)
        self.maxRetryWait = maxRetryWait
        self.backoff = backoff
        self.minInterval = minInterval
        self.transport = transport
    }

    public var description: String { "baseURL: \(baseURL), apiKey: <redacted>, timeout: \(timeout)" }
    public var debugDescription: String { description }

    static func load(from env: inout EnvironmentReader) -> SetlistfmSettings? {
        let url = env.optional("SETLISTFM_URL") == nil
            ? defaultURL
            : env.url("SETLISTFM_URL", required: false, hint: "setlist.fm API base URL, e.g. https://api.setlist.fm/rest")
        let apiKey = env.optional("SETLISTFM_API_KEY")
        let timeout = env.int("SETLISTFM_TIMEOUT_SECONDS", default: 5, range: 1...30)
        guard let url, let apiKey, !apiKey.isEmpty else { return nil }
        return SetlistfmSettings(baseURL: url, apiKey: apiKey, timeout: .seconds(timeout))
    }
}
