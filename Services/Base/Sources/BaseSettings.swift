import KisumKernel
import PlatformCoreAPI
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
    /// The AI providers (OpenAI-compatible, Gemini, n8n) of the assistant and the copilot; none configured by default.
    public var ai: AISettings
    /// Whether this process runs the outbox relay that delivers to Finance (tests drive it themselves).
    public var runsFinanceRelay = true
    /// The Xero integration; nil (no `XERO_CLIENT_ID`) answers every Xero route but status 503 `provider_not_configured`.
    public var xero: XeroSettings?
    /// setlist.fm's API for the Setlistfm group; nil (no `SETLISTFM_API_KEY`) answers those routes 503 `provider_not_configured`.
    public var setlistfm: SetlistfmSettings?
    /// The industry news feeds (`NEWS_*`); none configured, no refresh job runs.
    public var news = NewsSettings()
    /// Whether this process runs the news refresh job (tests run passes themselves).
    public var runsNewsRefresh = true
    /// Where the Notifications group reads the caller's inbox. Not read from the environment: nil uses Platform
    /// Core's `PLATFORM_CORE_URL` / `PLATFORM_CORE_API_KEY`, which Base needs for access anyway; tests set a fake.
    public var notifications: PlatformNotificationsClient?
    /// Where the Files group stores uploads and what it accepts (`FilesSettings`).
    public var files: FilesSettings
    /// The Nextcloud account of the Nextcloud group; nil (no `NEXTCLOUD_URL`) answers its routes 503 `provider_not_configured`.
    public var nextcloud: NextcloudSettings?

    public init(venue: VenueInventorySettings? = nil, finance: FinanceClientSettings? = nil, xero: XeroSettings? = nil,
                setlistfm: SetlistfmSettings? = nil, ai: AISettings = AISettings(), files: FilesSettings = FilesSettings(),
                nextcloud: NextcloudSettings? = nil) {
        self.files = files
        self.nextcloud = nextcloud
        self.venue = venue
        self.finance = finance
        self.xero = xero
        self.setlistfm = setlistfm
        self.ai = ai
    }

    /// `VENUE_URL` with `VENUE_API_KEY` (`VENUE_TIMEOUT_SECONDS` optional, default 3); `FINANCE_BASE_URL` with
    /// `FINANCE_API_KEY` (`FINANCE_TIMEOUT_SECONDS` optional, default 3); the `XERO_…` settings (`XeroSettings.load`:
    /// `XERO_CLIENT_ID` turns Xero on and then needs `XERO_CLIENT_SECRET`, `XERO_REDIRECT_URI` and `XERO_TOKEN_KEY`);
    /// `SETLISTFM_API_KEY` with `SETLISTFM_URL` (default https://api.setlist.fm/rest) and `SETLISTFM_TIMEOUT_SECONDS` (default 5);
    /// the `NEWS_*` settings (`NewsSettings.load`); the `AI_*` settings (`AISettings.load`);
    /// files (`FilesSettings.load`: `FILES_*`, `S3_*`); Nextcloud (`NextcloudSettings.load`: `NEXTCLOUD_*`).
    static func load(from env: inout EnvironmentReader) -> BaseSettings {
        var settings = BaseSettings()
        settings.venue = VenueInventorySettings.load(from: &env)
        settings.finance = FinanceClientSettings.load(from: &env)
        settings.xero = XeroSettings.load(from: &env)
        settings.setlistfm = SetlistfmSettings.load(from: &env)
        settings.news = NewsSettings.load(from: &env)
        settings.ai = AISettings.load(from: &env)
        settings.files = FilesSettings.load(from: &env)
        settings.nextcloud = NextcloudSettings.load(from: &env)
        return settings
    }
}
