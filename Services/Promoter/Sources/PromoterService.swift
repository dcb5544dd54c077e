import Hummingbird
import KisumKernel
import KisumRuntime

/// The Promoter service: configuration and routes. `buildRouter` is the only place routes are mounted.
public enum PromoterService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "promoter"
    public static let defaultPort = 8083

    public static func loadSettings(from env: inout EnvironmentReader) -> PromoterSettings {
        PromoterSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<PromoterSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        let events = EventsRepository(database: runtime.database)

        // Path-less root groups: each *Routes type creates its groups with their full paths (NOTES.md,
        // "Adding a route", step 5), so a route's path is readable in one place.
        // Tenant routes: token, x-org, membership, the promoter module; each handler checks its permission.
        let tenant = runtime.tenantGroup(router, path: "", module: PromoterPermission.module)
        EventsRoutes(repository: events).addRoutes(to: tenant)

        // Machine routes behind X-Internal-API-Key.
        let machine = runtime.internalGroup(router, path: "")
        InternalEventsRoutes(repository: events).addRoutes(to: machine)
        return router
    }
}
