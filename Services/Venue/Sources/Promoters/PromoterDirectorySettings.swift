import KisumKernel

/// Where Venue asks the Promoter service about promoter events (`PROMOTERS_BASE_URL`, `PROMOTERS_API_KEY`,
/// `PROMOTERS_TIMEOUT_SECONDS`). Absent means requests that carry a promoterEventId answer 503
/// `provider_not_configured` instead of storing an id nobody checked.
public typealias PromoterDirectorySettings = CalleeSettings

extension CalleeSettings {
    static func promoters(from env: inout EnvironmentReader) -> CalleeSettings? {
        let baseURL = env.url("PROMOTERS_BASE_URL", required: false, hint: "Promoter service base URL, e.g. http://promoter:8083")
        let baseURLSet = env.optional("PROMOTERS_BASE_URL") != nil
        let apiKey = env.optional("PROMOTERS_API_KEY")
        let timeout = env.int("PROMOTERS_TIMEOUT_SECONDS", default: 3, range: 1...30)
        return resolve(baseURL: baseURL, baseURLSet: baseURLSet, apiKey: apiKey, timeoutSeconds: timeout,
                       missingKey: "PROMOTERS_API_KEY must be set when PROMOTERS_BASE_URL is set (the internal key Promoter accepts)",
                       env: &env)
    }

    /// Finance, where deposits become income invoices (`FINANCE_BASE_URL`, `FINANCE_API_KEY`,
    /// `FINANCE_TIMEOUT_SECONDS`). Absent: deposits are kept and wait in the outbox, and reads say
    /// `financeLinked: false`.
    static func finance(from env: inout EnvironmentReader) -> CalleeSettings? {
        let baseURL = env.url("FINANCE_BASE_URL", required: false, hint: "Finance service base URL, e.g. http://finance:8082")
        let baseURLSet = env.optional("FINANCE_BASE_URL") != nil
        let apiKey = env.optional("FINANCE_API_KEY")
        let timeout = env.int("FINANCE_TIMEOUT_SECONDS", default: 3, range: 1...30)
        return resolve(baseURL: baseURL, baseURLSet: baseURLSet, apiKey: apiKey, timeoutSeconds: timeout,
                       missingKey: "FINANCE_API_KEY must be set when FINANCE_BASE_URL is set (the internal key Finance accepts)",
                       env: &env)
    }
}
