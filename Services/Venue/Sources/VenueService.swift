import Hummingbird
import KisumKernel
import KisumRuntime

public struct VenueSettings: Sendable {
    public init() {}
}

/// The Venue service: configuration and routes.
public enum VenueService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "venue"
    public static let defaultPort = 8081

    public static func loadSettings(from env: inout EnvironmentReader) -> VenueSettings {
        VenueSettings()
    }

    public static func buildRouter(_ runtime: ServiceRuntime<VenueSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        // The spec's infrastructure probe; liveness only, like /health/live.
        router.get("/health") { _, _ in
            HealthStatus(status: "ok", service: name, checks: nil)
        }
        return router
    }
}
