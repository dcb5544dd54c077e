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
        // Features mount here, each with its repository (NOTES.md, "Adding a route"):
        //   let api = runtime.tenantGroup(router, path: "/api/v1", module: PromoterPermission.module)
        //   <Feature>Routes(repository: <Feature>Repository(database: runtime.database)).addRoutes(to: api)
        //   let machine = runtime.internalGroup(router)   // X-Internal-API-Key callers
        return router
    }
}
