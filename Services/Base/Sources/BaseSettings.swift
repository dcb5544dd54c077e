import KisumKernel

/// Base's own settings, read from the environment next to the kernel's (`KernelSettings`). A setting
/// is added here, to `load`, to the README's settings table and to the local run's
/// `deploy/local/services.env.sh`; `Tests/DeployTests` checks that compose and Kubernetes set it.
public struct BaseSettings: Sendable {
    /// Where the Venues group reads Venue's inventory; nil (no `VENUE_URL`) answers those reads 503 `venue_unavailable`.
    public var venue: VenueInventorySettings?

    public init(venue: VenueInventorySettings? = nil) {
        self.venue = venue
    }

    /// `VENUE_URL` with `VENUE_API_KEY` (`VENUE_TIMEOUT_SECONDS` optional, default 3).
    static func load(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings(venue: VenueInventorySettings.load(from: &env))
    }
}
