import ArgumentParser
import Hummingbird
import KisumKernel
import KisumPersistence
import KisumRuntime
import ServiceLifecycle

/// The Base service: configuration and routes. `buildRouter` is the only place routes are mounted.
public enum BaseService: KisumService {
    public typealias Context = ServiceRequestContext

    public static let name = "base"
    public static var tools: [any ParsableCommand.Type] { [ImportRatesCommand.self] }
    public static let defaultPort = 3099

    public static func loadSettings(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings.load(from: &env)
    }

    public static func buildRouter(_ runtime: ServiceRuntime<BaseSettings>) async throws -> Router<Context> {
        let router = runtime.makeRouter(context: Context.self)
        // Features mount here, each with its repository (NOTES.md, "Adding a route").
        DeprecatedRoutes().addRoutes(to: router.group())
        EventCalendarRoutes(repository: EventCalendarRepository(database: runtime.database)).addPublicRoutes(to: router.group())
        let xero = XeroIntegration(settings: runtime.settings.xero, database: runtime.database)
        XeroRoutes(xero: xero).addPublicRoutes(to: router.group())
        ServiceIndexRoutes(contract: runtime.contract, database: runtime.database).addRoutes(to: router.group())
        let tenant = runtime.tenantGroup(router, path: "", module: BasePermission.module)
        ReferenceDataRoutes(repository: ReferenceDataRepository(database: runtime.database)).addRoutes(to: tenant)
        let artists = ArtistsRoutes(repository: ArtistsRepository(database: runtime.database), search: ArtistSearchRepository(database: runtime.database))
        artists.addRoutes(to: tenant)
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
        let events = EventsRoutes(repository: EventsRepository(database: runtime.database), writes: EventWritesRepository(database: runtime.database))
        events.addRoutes(to: tenant)
        EventDetailsRoutes(events: EventsRepository(database: runtime.database), bill: EventBillRepository(database: runtime.database)).addRoutes(to: tenant)
        EventCalendarRoutes(repository: EventCalendarRepository(database: runtime.database)).addRoutes(to: tenant)
        let offers = OffersRoutes(repository: OffersRepository(database: runtime.database), changes: OfferChangesRepository(database: runtime.database))
        offers.addRoutes(to: tenant)
        TicketsRoutes(repository: TicketsRepository(database: runtime.database)).addRoutes(to: tenant)
        TicketSalesRoutes(sales: TicketSalesRepository(database: runtime.database), reports: TicketReportsRepository(database: runtime.database), tickets: TicketsRepository(database: runtime.database)).addRoutes(to: tenant)
        SettlementsRoutes(repository: SettlementsRepository(database: runtime.database), tickets: TicketReportsRepository(database: runtime.database), expenses: EventExpensesRepository(database: runtime.database)).addRoutes(to: tenant)
        EventGroupsRoutes(repository: EventGroupsRepository(database: runtime.database), summaries: EventGroupSummaryRepository(database: runtime.database)).addRoutes(to: tenant)
        ApprovalRoutes(repository: ApprovalRepository(database: runtime.database)).addRoutes(to: tenant)
        ExpenseApprovalRoutes(repository: ExpenseApprovalRepository(database: runtime.database)).addRoutes(to: tenant)
        TasksRoutes(repository: TasksRepository(database: runtime.database)).addRoutes(to: tenant)
        let festivals = FestivalsRoutes(repository: FestivalsRepository(database: runtime.database))
        festivals.addRoutes(to: tenant)
        let venueDirectory = VenueDirectory(settings: runtime.settings.venue)
        let venues = VenuesRoutes(links: VenueLinksRepository(database: runtime.database), directory: venueDirectory)
        venues.addRoutes(to: tenant)
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
        let financeRoutes = IntegrationsFinanceRoutes(repository: IntegrationsFinanceRepository(database: runtime.database), sync: FinanceSyncRepository(database: runtime.database), gateway: finance)
        financeRoutes.addRoutes(to: tenant)
        FinanceRecordsRoutes(repository: IntegrationsFinanceRepository(database: runtime.database), gateway: finance).addRoutes(to: tenant)
        EventIncomeInvoiceRoutes(sync: FinanceSyncRepository(database: runtime.database), gateway: finance).addRoutes(to: tenant)
        ExchangeRoutes(repository: ExchangeRepository(database: runtime.database)).addRoutes(to: tenant)
        CashFlowRoutes(repository: CashFlowRepository(database: runtime.database)).addRoutes(to: tenant)
        TransactionsRoutes(repository: TransactionsRepository(database: runtime.database)).addRoutes(to: tenant)
        AnalyticsRoutes(repository: AnalyticsRepository(database: runtime.database)).addRoutes(to: tenant)
        let dashboard = DashboardRoutes(stats: DashboardRepository(database: runtime.database), upcoming: UpcomingEventsRepository(database: runtime.database))
        dashboard.addRoutes(to: tenant)
        let xeroRoutes = XeroRoutes(xero: xero)
        xeroRoutes.addRoutes(to: tenant)
        IntegrationsRoutes(finance: financeRoutes, xero: xeroRoutes, platform: runtime.settings.platformIntegrations).addRoutes(to: tenant)
        XeroAccountingRoutes(xero: xero).addRoutes(to: tenant)
        let search = GlobalSearchRoutes(repository: GlobalSearchRepository(database: runtime.database))
        search.addRoutes(to: tenant)
        // The legacy /api/kisum/* paths: the canonical handlers above, mounted again.
        KisumAliasRoutes(events: events, artists: artists, venues: venues, offers: offers, festivals: festivals, dashboard: dashboard, search: search)
            .addRoutes(to: tenant)
        VendorsRoutes(repository: VendorsRepository(database: runtime.database)).addRoutes(to: tenant)
        VendorDetailsRoutes(vendors: VendorsRepository(database: runtime.database), contacts: VendorContactsRepository(database: runtime.database), events: VendorEventsRepository(database: runtime.database)).addRoutes(to: tenant)
        SystemVendorsRoutes(repository: SystemVendorsRepository(database: runtime.database), imports: SystemVendorImportRepository(database: runtime.database), vendors: VendorsRepository(database: runtime.database)).addRoutes(to: tenant)
        VendorCategoriesRoutes(repository: VendorCategoriesRepository(database: runtime.database)).addRoutes(to: tenant)
        SetlistfmRoutes(repository: SetlistfmRepository(database: runtime.database), gateway: SetlistfmGateway(settings: runtime.settings.setlistfm)).addRoutes(to: tenant)
        NotificationsRoutes(inbox: NotificationInbox(settings: runtime.settings, auth: runtime.kernel.auth)).addRoutes(to: tenant)
        ReviewsRoutes(repository: ReviewsRepository(database: runtime.database)).addRoutes(to: tenant)
        RankingsRoutes(repository: RankingsRepository(database: runtime.database)).addRoutes(to: tenant)
        TrendRoutes(repository: TrendRepository(database: runtime.database)).addRoutes(to: tenant)
        NewsRoutes(repository: NewsRepository(database: runtime.database)).addRoutes(to: tenant)
        let aiProviders = AIProviders(settings: runtime.settings.ai)
        AIRoutes(repository: AIConversationsRepository(database: runtime.database), providers: aiProviders).addRoutes(to: tenant)
        CopilotRoutes(insights: EventInsightsRepository(database: runtime.database), conversations: AIConversationsRepository(database: runtime.database), providers: aiProviders).addRoutes(to: tenant)
        FilesRoutes(repository: FilesRepository(database: runtime.database), storage: try runtime.settings.files.makeStorage(), settings: runtime.settings.files).addRoutes(to: tenant)
        NextcloudRoutes(client: runtime.settings.nextcloud.map { NextcloudClient(settings: $0) }, files: runtime.settings.files).addRoutes(to: tenant)
        // Machine routes behind X-Internal-API-Key; each names the company with x-org.
        let machine = runtime.internalGroup(router, path: "")
        PartiesRoutes(repository: PartiesRepository(database: runtime.database)).addRoutes(to: machine)
        return router
    }

    /// The outbox relay that takes event syncs to Finance, when Finance is configured; without it the messages wait in
    /// the outbox. Transient failures are retried indefinitely with capped, jittered backoff (Venue's deposits do the same).
    /// With feeds configured, the news refresh job runs beside it.
    public static func backgroundServices(_ runtime: ServiceRuntime<BaseSettings>) async throws -> [any Service] {
        var services: [any Service] = []
        if runtime.settings.runsFinanceRelay, let relay = financeRelay(database: runtime.database, settings: runtime.settings) {
            services.append(relay)
        }
        if runtime.settings.runsNewsRefresh, !runtime.settings.news.feedURLs.isEmpty {
            let refresher = NewsRefresher(database: runtime.database, settings: runtime.settings.news)
            services.append(NewsRefreshService(refresher: refresher, interval: runtime.settings.news.refreshInterval))
        }
        return services
    }

    /// The relay with its handlers (tests drive it with `drain()`); nil without Finance.
    public static func financeRelay(database: Database, settings: BaseSettings) -> OutboxRelay? {
        guard let finance = settings.finance else { return nil }
        let handler = FinanceSyncHandler(repository: FinanceSyncRepository(database: database), pusher: FinanceLinePusher(client: FinanceClient(settings: finance)))
        return OutboxRelay(database: database, handlers: [FinanceSyncMessage.topic: handler], maxAttempts: .max)
    }
}
