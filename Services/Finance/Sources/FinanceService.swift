import Hummingbird
import KisumKernel
import KisumRuntime

/// The Finance service: configuration and routes. `buildRouter` is the only place routes are mounted.
public enum FinanceService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "finance"
    public static let defaultPort = 8082

    public static func loadSettings(from env: inout EnvironmentReader) -> FinanceSettings {
        FinanceSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<FinanceSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        // Features mount here, each with its repository (NOTES.md, "Adding a route"):
        //   let tenant = runtime.tenantGroup(router, path: "", module: FinancePermission.module)
        //   <Feature>Routes(repository: <Feature>Repository(database: runtime.database)).addRoutes(to: tenant)
        //   let machine = runtime.internalGroup(router, path: "")   // X-Internal-API-Key callers
        return router
    }
}
