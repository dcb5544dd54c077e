import KisumKernel
import KisumStorage

/// Base's own settings, read from the environment next to the kernel's (`KernelSettings`). A setting
/// is added here, to `load`, to the README's settings table and to the local run's
/// `deploy/local/services.env.sh`; `Tests/DeployTests` checks that compose and Kubernetes set it.
public struct BaseSettings: Sendable {
    /// Where the Venues group reads Venue's inventory; nil (no `VENUE_URL`) answers those reads 503 `venue_unavailable`.
    public var venue: VenueInventorySettings?
    /// Where event income and approved expenses become Finance invoices and bills; nil (no `FINANCE_BASE_URL`) answers
    /// the Integrations - Finance routes that need Finance 503 `provider_not_configured`.
    public var finance: FinanceClientSettings?
    /// Whether this process runs the outbox relay that delivers to Finance (tests drive it themselves).
    public var runsFinanceRelay = true
    /// Where the Files group stores uploads and what it accepts (`FilesSettings`).
    public var files: FilesSettings
    /// The Nextcloud account of the Nextcloud group; nil (no `NEXTCLOUD_URL`) answers its routes 503 `provider_not_configured`.
    public var nextcloud: NextcloudSettings?

    public init(venue: VenueInventorySettings? = nil, finance: FinanceClientSettings? = nil, files: FilesSettings = FilesSettings(),
                nextcloud: NextcloudSettings? = nil) {
        self.venue = venue
        self.finance = finance
        self.files = files
        self.nextcloud = nextcloud
    }

    /// `VENUE_URL` with `VENUE_API_KEY` (`VENUE_TIMEOUT_SECONDS` optional, default 3); `FINANCE_BASE_URL` with
    /// `FINANCE_API_KEY` (`FINANCE_TIMEOUT_SECONDS` optional, default 3); files (`FilesSettings`); Nextcloud
    /// (`NextcloudSettings`).
    static func load(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings(venue: VenueInventorySettings.load(from: &env), finance: FinanceClientSettings.load(from: &env),
                     files: FilesSettings.load(from: &env), nextcloud: NextcloudSettings.load(from: &env))
    }
}
