import ArgumentParser
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumRuntime
import KisumServiceClient
import PlatformCoreAPI
import ServiceLifecycle

/// The Venue service: configuration and routes.
public enum VenueService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "venue"
    public static var tools: [any ParsableCommand.Type] { [ImportSleepingVenuesCommand.self] }
    public static let defaultPort = 8081

    public static func loadSettings(from env: inout EnvironmentReader) -> VenueSettings {
        VenueSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<VenueSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        // The spec's infrastructure probe; liveness only, like /health/live.
        router.get("/health") { _, _ in
            HealthStatus(status: "ok", service: name, checks: nil)
        }
        let database = runtime.database
        let venues = VenuesRepository(database: database)
        let spaces = SpacesRepository(database: database)
        let availability = AvailabilityRepository(database: database)
        let bookings = BookingsRepository(database: database)
        let events = EventsRepository(database: database)
        let deals = DealsRepository(database: database)
        let contracts = ContractsRepository(database: database)
        // Promoter event ids are resolved through Promoter before anything is written; without
        // PROMOTERS_BASE_URL a request carrying one answers 503 provider_not_configured.
        let promoters = PromoterEventResolver(directory: runtime.settings.promoters.map { HTTPPromoterDirectory(settings: $0) })
        let workflow = ContractWorkflow(repository: contracts, storage: LocalDiskStorage(root: runtime.settings.storageDirectory),
                                        provider: signatureProvider(runtime.settings.signature))

        // Tenant routes: token, x-org, membership, the venue module; each handler checks its permission.
        // Both root groups are path-less: each routes file names its full prefix (`/api/v1/bookings`).
        let tenant = runtime.tenantGroup(router, path: "", module: VenuePermission.module)
        VenuesRoutes(repository: venues).addRoutes(to: tenant)
        SpacesRoutes(repository: spaces).addRoutes(to: tenant)
        AvailabilityRoutes(repository: availability).addRoutes(to: tenant)
        BookingsRoutes(repository: bookings, promoters: promoters).addRoutes(to: tenant)
        EventsRoutes(repository: events, promoters: promoters).addRoutes(to: tenant)
        DealsRoutes(repository: deals).addRoutes(to: tenant)
        ContractsRoutes(repository: contracts, workflow: workflow).addRoutes(to: tenant)
        OperationsRoutes(checklists: ChecklistsRepository(database: database), templates: TemplatesRepository(database: database))
            .addRoutes(to: tenant)
        // Deposits reach Finance through the outbox (`backgroundServices`); reads ask Finance when it answers.
        let deposits = DepositsRepository(database: database)
        let ledger = financeLedger(runtime.settings)
        DepositsRoutes(repository: deposits, finance: DepositFinanceReader(ledger: ledger)).addRoutes(to: tenant)
        EventFinanceStatusRoutes(repository: deposits, ledger: ledger).addRoutes(to: tenant)
        ReportsRoutes(repository: ReportsRepository(database: database), money: MoneyReportsRepository(database: database), ledger: ledger,
                      customers: CustomerReportRepository(database: database))
            .addRoutes(to: tenant)
        // Customer search asks Base's party registry when BASE_URL is set; overlays are Venue's own.
        let market = runtime.settings.base.map { BasePartiesClient(baseURL: $0.baseURL, apiKey: $0.apiKey, timeout: $0.timeout) }
        CustomersRoutes(repository: CustomersRepository(database: database), market: market).addRoutes(to: tenant)

        // Machine routes behind X-Internal-API-Key: Base-facing reads and the Admin control plane.
        let holding = runtime.settings.holdingCompanyID
        let machine = runtime.internalGroup(router, path: "")
        InternalVenuesRoutes(venues: venues, spaces: spaces, inventory: InternalInventoryRepository(database: database),
                             types: VenueTypesRepository(database: database), holdingCompanyID: holding).addRoutes(to: machine)
        AdminVenuesRoutes(venues: venues, venueTypes: VenueTypesRepository(database: database), holdingCompanyID: holding)
            .addRoutes(to: machine)
        TakeoverRoutes(takeover: TakeoverRepository(database: database, holdingCompanyID: holding), venues: venues)
            .addRoutes(to: machine)
        return router
    }

    /// The outbox relay that takes deposits to Finance, when Finance is configured; without it deposits
    /// wait in the outbox (their messages are kept until a Finance is configured). Transient failures are
    /// retried indefinitely with capped, jittered backoff: a deposit is never given up while Finance is down.
    /// A second relay takes notifications to Platform Core, retried the same way while Platform Core is down.
    public static func backgroundServices(_ runtime: ServiceRuntime<VenueSettings>) async throws -> [any Service] {
        var services: [any Service] = []
        if runtime.settings.runsFinanceRelay, let ledger = financeLedger(runtime.settings) {
            let sync = DepositFinanceSync(deposits: DepositsRepository(database: runtime.database), ledger: ledger)
            services.append(OutboxRelay(database: runtime.database, handlers: [DepositsRepository.topic: sync], maxAttempts: .max))
        }
        if runtime.settings.runsNotificationRelay, let client = notificationsClient(runtime) {
            services.append(OutboxRelay(database: runtime.database, handlers: [VenueNotifications.topic: PlatformNotificationDelivery(client: client)],
                                        maxAttempts: .max))
        }
        return services
    }

    /// The settings' client, else one over the kernel's Platform Core URL and key; nil when neither is set.
    static func notificationsClient(_ runtime: ServiceRuntime<VenueSettings>) -> PlatformNotificationsClient? {
        let auth = runtime.kernel.auth
        return runtime.settings.notifications ?? auth.platformCoreURL.map { PlatformNotificationsClient(baseURL: $0, apiKey: auth.platformCoreAPIKey) }
    }

    static func financeLedger(_ settings: VenueSettings) -> (any FinanceLedger)? {
        settings.finance.map { HTTPFinanceLedger(settings: $0) }
    }

    /// The adapter `SIGNATURE_PROVIDER` chose (settings loading already refused adobe_sign without
    /// its base URL and token).
    static func signatureProvider(_ settings: SignatureSettings) -> any SignatureProvider {
        switch settings {
        case .local: return LocalSignatureProvider()
        case .adobeSign(let adobe): return AdobeSignProvider(settings: adobe)
        }
    }
}
