import KisumKernel
import KisumServiceClient

/// Where Base reads Venue's inventory for its Venues group (`VENUE_URL`, `VENUE_API_KEY`, `VENUE_TIMEOUT_SECONDS`).
/// Absent (no `VENUE_URL`): every route that needs Venue's data answers 503 `venue_unavailable`; a URL without
/// its key stops the service at start, since every call would be refused (a configuration mistake, not an outage).
public struct VenueInventorySettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var baseURL: String
    /// The internal key Venue accepts. Never printed.
    public var apiKey: String
    /// The whole wait for one answer (one attempt).
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

    var client: VenueInventoryClient {
        VenueInventoryClient(baseURL: baseURL, apiKey: apiKey, timeout: timeout, transport: transport)
    }

    static func load(from env: inout EnvironmentReader) -> VenueInventorySettings? {
        let baseURL = env.url("VENUE_URL", required: false, hint: "Venue service base URL, e.g. http://venue:8081")
        let baseURLSet = env.optional("VENUE_URL") != nil
        let apiKey = env.optional("VENUE_API_KEY")
        let timeout = env.int("VENUE_TIMEOUT_SECONDS", default: 3, range: 1...30)
        guard baseURLSet else { return nil }
        if apiKey == nil { env.report("VENUE_API_KEY must be set when VENUE_URL is set (the internal key Venue accepts)") }
        guard let baseURL, let apiKey else { return nil }
        return VenueInventorySettings(baseURL: baseURL, apiKey: apiKey, timeout: .seconds(timeout))
    }
}
