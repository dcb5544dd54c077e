import KisumKernel

/// Where Venue calls another Kisum service (`…_BASE_URL`, `…_API_KEY`, `…_TIMEOUT_SECONDS`; Base: `BASE_URL`, `BASE_API_KEY`): Promoter for event
/// identity, Finance for deposit invoices, Base for the customer search. Absent (no base
/// URL) means "not configured"; a base URL without its key stops the service at start, since every call
/// would be refused (a configuration mistake, not an outage).
public struct CalleeSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var baseURL: String
    /// The internal key the callee accepts. Never printed: `description` leaves it out.
    public var apiKey: String
    /// The whole wait for one answer.
    public var timeout: Duration

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(3)) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
    }

    public var description: String { "baseURL: \(baseURL), apiKey: <redacted>, timeout: \(timeout)" }
    public var debugDescription: String { description }

    /// Settings from the values a caller read under its own names (each name is spelled out where it is
    /// read, so the settings catalog and the deployment checks can find it).
    static func resolve(baseURL: String?, baseURLSet: Bool, apiKey: String?, timeoutSeconds: Int, missingKey: String,
                        env: inout EnvironmentReader) -> CalleeSettings? {
        guard baseURLSet else { return nil }
        if apiKey == nil { env.report(missingKey) }
        guard let baseURL, let apiKey else { return nil }
        return CalleeSettings(baseURL: baseURL, apiKey: apiKey, timeout: .seconds(timeoutSeconds))
    }
}
