import KisumKernel

/// Base's own settings, read from the environment next to the kernel's (`KernelSettings`). A setting
/// is added here, to `load`, to the README's settings table and to the local run's
/// `deploy/local/services.env.sh`; `Tests/DeployTests` checks that compose and Kubernetes set it.
public struct BaseSettings: Sendable {
    /// Where the Venues group reads Venue's inventory; nil (no `VENUE_URL`) answers those reads 503 `venue_unavailable`.
    public var venue: VenueInventorySettings?
    /// The Xero integration; nil (no `XERO_CLIENT_ID`) answers every Xero route but status 503 `provider_not_configured`.
    public var xero: XeroSettings?

    public init(venue: VenueInventorySettings? = nil, xero: XeroSettings? = nil) {
        self.venue = venue
        self.xero = xero
    }

    /// `VENUE_URL` with `VENUE_API_KEY` (`VENUE_TIMEOUT_SECONDS` optional, default 3); the `XERO_…` settings
    /// (`XeroSettings.load`: `XERO_CLIENT_ID` turns Xero on and then needs `XERO_CLIENT_SECRET`, `XERO_REDIRECT_URI`
    /// and `XERO_TOKEN_KEY`).
    static func load(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings(venue: VenueInventorySettings.load(from: &env), xero: XeroSettings.load(from: &env))
    }
}
