import Hummingbird
import KisumKernel

/// The legacy `/api/kisum/*` paths old clients still call. Each is the canonical route's own handler mounted a
/// second time (no copy: permissions, filters, paging and answers are the canonical route's), and the contract
/// marks them `deprecated` with the path to move to.
struct KisumAliasRoutes: Sendable {
    typealias Context = BaseService.Context
    let events: EventsRoutes
    let artists: ArtistsRoutes
    let venues: VenuesRoutes
    let offers: OffersRoutes
    let festivals: FestivalsRoutes
    let dashboard: DashboardRoutes
    let search: GlobalSearchRoutes

    func addRoutes(to tenant: RouterGroup<Context>) {
        let kisum = tenant.group("/api/kisum")
        kisum.get("events", use: events.list)
        kisum.get("artists", use: artists.list)
        kisum.get("venues", use: venues.list)
        kisum.get("offers", use: offers.list)
        kisum.get("festivals", use: festivals.list)
        kisum.get("dashboard", use: dashboard.overview)
        kisum.get("search", use: search.find)
    }
}
