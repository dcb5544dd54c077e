import Hummingbird
import KisumKernel
import KisumRuntime

/// The Base service: configuration and routes. `buildRouter` is the only place routes are mounted.
public enum BaseService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "base"
    public static let defaultPort = 3099

    public static func loadSettings(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<BaseSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        // Features mount here, each with its repository (NOTES.md, "Adding a route").
        let tenant = runtime.tenantGroup(router, path: "", module: BasePermission.module)
        ReferenceDataRoutes(repository: ReferenceDataRepository(database: runtime.database)).addRoutes(to: tenant)
        CountryEditsRoutes(repository: CountryEditsRepository(database: runtime.database)).addRoutes(to: tenant)
        PlacesRoutes(repository: PlacesRepository(database: runtime.database)).addRoutes(to: tenant)
        CompaniesRoutes(repository: CompaniesRepository(database: runtime.database), details: CompanyDetailsRepository(database: runtime.database)).addRoutes(to: tenant)
        return router
    }
}
