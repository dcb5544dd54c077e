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
        let database = runtime.database
        // Tenants (token, x-org, membership, the finance module) and services holding an internal key
        // (x-org names the company) share these routes; each routes file names its full prefix.
        let api = runtime.machineOrTenantGroup(router, path: "", module: FinancePermission.module)
        let documents = DocumentsRepository(database: database)
        let payments = PaymentsRepository(database: database)
        let summary = SummaryRepository(database: database)
        for kind in DocumentKind.allCases {
            let handlers = DocumentHandlers(kind: kind, documents: documents, payments: payments)
            let totals = SummaryHandler(kind: kind, repository: summary)
            switch kind {
            case .income: IncomeRoutes(handlers: handlers, summary: totals).addRoutes(to: api)
            case .bill: BillsRoutes(handlers: handlers, summary: totals).addRoutes(to: api)
            }
        }
        PaymentsRoutes(repository: payments).addRoutes(to: api)
        AccountsRoutes(repository: AccountsRepository(database: database)).addRoutes(to: api)
        return router
    }
}
