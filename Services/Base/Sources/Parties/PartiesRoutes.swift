import Foundation
import Hummingbird
import KisumKernel

/// `/internal/parties/search`: the registry's companies, agencies and artists in one search, for other Kisum
/// services (Venue's customer picker). Behind the internal API key; the company comes from `x-org`, since a
/// machine caller has no membership to derive it from, and only that company's parties are searched.
struct PartiesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: PartiesRepository

    /// `machine` is the path-less internal-key group; the group below names its full path (NOTES.md, step 5).
    func addRoutes(to machine: RouterGroup<Context>) {
        let parties = machine.group("/internal/parties")
        parties.get("search", use: search)
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Page<Party> {
        guard let companyID = try TenantHeaders.companyID(in: request.headers) else {
            throw APIError.badRequest("tenant_required", "The x-org (or x-workspace-id) header naming the company is required.")
        }
        let (filter, page) = try PartySearchFilter.read(request)
        let result = try await repository.search(companyID: companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }
}
