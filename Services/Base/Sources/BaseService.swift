import Hummingbird
import KisumKernel
import KisumPersistence
import KisumRuntime
import ServiceLifecycle

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
        DeprecatedRoutes().addRoutes(to: router.group())
        EventCalendarRoutes(repository: EventCalendarRepository(database: runtime.database)).addPublicRoutes(to: router.group())
        let tenant = runtime.tenantGroup(router, path: "", module: BasePermission.module)
        ReferenceDataRoutes(repository: ReferenceDataRepository(database: runtime.database)).addRoutes(to: tenant)
        ArtistsRoutes(repository: ArtistsRepository(database: runtime.database), search: ArtistSearchRepository(database: runtime.database)).addRoutes(to: tenant)
        ArtistContactsRoutes(repository: ArtistContactsRepository(database: runtime.database)).addRoutes(to: tenant)
        ArtistPlatformsRoutes(repository: ArtistPlatformsRepository(database: runtime.database)).addRoutes(to: tenant)
        ArtistShowsRoutes(repository: ArtistShowsRepository(database: runtime.database)).addRoutes(to: tenant)
        ArtistInsightsRoutes(repository: ArtistInsightsRepository(database: runtime.database)).addRoutes(to: tenant)
        AgenciesRoutes(repository: AgenciesRepository(database: runtime.database)).addRoutes(to: tenant)
        AgencyRosterRoutes(roster: RosterRepository(database: runtime.database), agencies: AgenciesRepository(database: runtime.database)).addRoutes(to: tenant)
        AgencyTeamRoutes(team: AgencyTeamRepository(database: runtime.database), agencies: AgenciesRepository(database: runtime.database)).addRoutes(to: tenant)
        RosterRoutes(repository: RosterRepository(database: runtime.database)).addRoutes(to: tenant)
        CountryEditsRoutes(repository: CountryEditsRepository(database: runtime.database)).addRoutes(to: tenant)
        PlacesRoutes(repository: PlacesRepository(database: runtime.database)).addRoutes(to: tenant)
        CompaniesRoutes(repository: CompaniesRepository(database: runtime.database), details: CompanyDetailsRepository(database: runtime.database)).addRoutes(to: tenant)
        AvailsRoutes(repository: AvailsRepository(database: runtime.database), shows: AvailShowsRepository(database: runtime.database)).addRoutes(to: tenant)
        RosterAvailsRoutes(repository: AvailsRepository(database: runtime.database)).addRoutes(to: tenant)
        EventsRoutes(repository: EventsRepository(database: runtime.database), writes: EventWritesRepository(database: runtime.database)).addRoutes(to: tenant)
        EventDetailsRoutes(events: EventsRepository(database: runtime.database), bill: EventBillRepository(database: runtime.database)).addRoutes(to: tenant)
        EventCalendarRoutes(repository: EventCalendarRepository(database: runtime.database)).addRoutes(to: tenant)
        OffersRoutes(repository: OffersRepository(database: runtime.database), changes: OfferChangesRepository(database: runtime.database)).addRoutes(to: tenant)
        TicketsRoutes(repository: TicketsRepository(database: runtime.database)).addRoutes(to: tenant)
        TicketSalesRoutes(sales: TicketSalesRepository(database: runtime.database), reports: TicketReportsRepository(database: runtime.database), tickets: TicketsRepository(database: runtime.database)).addRoutes(to: tenant)
        SettlementsRoutes(repository: SettlementsRepository(database: runtime.database), tickets: TicketReportsRepository(database: runtime.database), expenses: EventExpensesRepository(database: runtime.database)).addRoutes(to: tenant)
        EventGroupsRoutes(repository: EventGroupsRepository(database: runtime.database), summaries: EventGroupSummaryRepository(database: runtime.database)).addRoutes(to: tenant)
        ApprovalRoutes(repository: ApprovalRepository(database: runtime.database)).addRoutes(to: tenant)
        ExpenseApprovalRoutes(repository: ExpenseApprovalRepository(database: runtime.database)).addRoutes(to: tenant)
        TasksRoutes(repository: TasksRepository(database: runtime.database)).addRoutes(to: tenant)
        FestivalsRoutes(repository: FestivalsRepository(database: runtime.database)).addRoutes(to: tenant)
        let venueDirectory = VenueDirectory(settings: runtime.settings.venue)
        VenuesRoutes(links: VenueLinksRepository(database: runtime.database), directory: venueDirectory).addRoutes(to: tenant)
        VenueContactsRoutes(links: VenueLinksRepository(database: runtime.database), contacts: VenueContactsRepository(database: runtime.database), documents: VenueDocumentsRepository(database: runtime.database)).addRoutes(to: tenant)
        VenueActivityRoutes(events: VenueEventsRepository(database: runtime.database), inquiries: VenueInquiriesRepository(database: runtime.database), directory: venueDirectory).addRoutes(to: tenant)
        EventVenueRoutes(events: VenueEventsRepository(database: runtime.database), directory: venueDirectory).addRoutes(to: tenant)
        AgreementsRoutes(repository: AgreementsRepository(database: runtime.database)).addRoutes(to: tenant)
        AgreementAssetsRoutes(repository: AgreementAssetsRepository(database: runtime.database)).addRoutes(to: tenant)
        OfferPdfRoutes(repository: OfferPdfRepository(database: runtime.database)).addRoutes(to: tenant)
        ExpensesRoutes(repository: ExpensesRepository(database: runtime.database), reports: ExpenseReportsRepository(database: runtime.database)).addRoutes(to: tenant)
        ExpenseCategoriesRoutes(repository: ExpenseCategoriesRepository(database: runtime.database)).addRoutes(to: tenant)
        ExpenseTemplatesRoutes(repository: ExpenseTemplatesRepository(database: runtime.database)).addRoutes(to: tenant)
        MoneyAttachmentsRoutes(repository: MoneyAttachmentsRepository(database: runtime.database)).addRoutes(to: tenant)
        EventIncomeRoutes(repository: EventIncomeRepository(database: runtime.database), summaries: IncomeSummaryRepository(database: runtime.database)).addRoutes(to: tenant)
        IncomePaymentsRoutes(repository: IncomePaymentsRepository(database: runtime.database)).addRoutes(to: tenant)
        EventTaxRoutes(repository: EventTaxRepository(database: runtime.database), sheets: EventTaxSheetRepository(database: runtime.database)).addRoutes(to: tenant)
        // Finance: the connection, event syncs through the outbox (`backgroundServices`), Finance's records, income invoices.
        let finance = FinanceGateway(settings: runtime.settings.finance)
        IntegrationsFinanceRoutes(repository: IntegrationsFinanceRepository(database: runtime.database), sync: FinanceSyncRepository(database: runtime.database), gateway: finance).addRoutes(to: tenant)
        FinanceRecordsRoutes(repository: IntegrationsFinanceRepository(database: runtime.database), gateway: finance).addRoutes(to: tenant)
        EventIncomeInvoiceRoutes(sync: FinanceSyncRepository(database: runtime.database), gateway: finance).addRoutes(to: tenant)
        ExchangeRoutes(repository: ExchangeRepository(database: runtime.database)).addRoutes(to: tenant)
        CashFlowRoutes(repository: CashFlowRepository(database: runtime.database)).addRoutes(to: tenant)
        TransactionsRoutes(repository: TransactionsRepository(database: runtime.database)).addRoutes(to: tenant)
        AnalyticsRoutes(repository: AnalyticsRepository(database: runtime.database)).addRoutes(to: tenant)
        DashboardRoutes(stats: DashboardRepository(database: runtime.database), upcoming: UpcomingEventsRepository(database: runtime.database)).addRoutes(to: tenant)
        FilesRoutes(repository: FilesRepository(database: runtime.database), storage: try runtime.settings.files.makeStorage(), settings: runtime.settings.files).addRoutes(to: tenant)
        NextcloudRoutes(client: runtime.settings.nextcloud.map { NextcloudClient(settings: $0) }, files: runtime.settings.files).addRoutes(to: tenant)
        // Machine routes behind X-Internal-API-Key; each names the company with x-org.
        let machine = runtime.internalGroup(router, path: "")
        PartiesRoutes(repository: PartiesRepository(database: runtime.database)).addRoutes(to: machine)
        return router
    }

    /// The outbox relay that takes event syncs to Finance, when Finance is configured; without it the messages wait in
    /// the outbox. Transient failures are retried indefinitely with capped, jittered backoff (Venue's deposits do the same).
    public static func backgroundServices(_ runtime: ServiceRuntime<BaseSettings>) async throws -> [any Service] {
        guard runtime.settings.runsFinanceRelay, let relay = financeRelay(database: runtime.database, settings: runtime.settings) else {
            return []
        }
        return [relay]
    }

    /// The relay with its handlers (tests drive it with `drain()`); nil without Finance.
    public static func financeRelay(database: Database, settings: BaseSettings) -> OutboxRelay? {
        guard let finance = settings.finance else { return nil }
        let handler = FinanceSyncHandler(repository: FinanceSyncRepository(database: database), pusher: FinanceLinePusher(client: FinanceClient(settings: finance)))
        return OutboxRelay(database: database, handlers: [FinanceSyncMessage.topic: handler], maxAttempts: .max)
    }
}
