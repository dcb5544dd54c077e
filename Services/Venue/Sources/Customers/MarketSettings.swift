import KisumKernel

extension CalleeSettings {
    /// Base, where Venue's customer search asks the Market party registry (`BASE_URL`, `BASE_API_KEY`,
    /// `BASE_TIMEOUT_SECONDS`). Absent: the search answers the company's overlay matches only, with
    /// `marketAvailable: false`.
    static func base(from env: inout EnvironmentReader) -> CalleeSettings? {
        let baseURL = env.url("BASE_URL", required: false, hint: "Base service base URL, e.g. http://base:3099")
        let baseURLSet = env.optional("BASE_URL") != nil
        let apiKey = env.optional("BASE_API_KEY")
        let timeout = env.int("BASE_TIMEOUT_SECONDS", default: 3, range: 1...30)
        return resolve(baseURL: baseURL, baseURLSet: baseURLSet, apiKey: apiKey, timeoutSeconds: timeout,
                       missingKey: "BASE_API_KEY must be set when BASE_URL is set (the internal key Base accepts)", env: &env)
    }
}
