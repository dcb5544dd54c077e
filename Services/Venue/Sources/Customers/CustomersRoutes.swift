import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient
import Logging

/// `/api/v1/customers`: the customer picker over Market (Base's party registry) and this company's overlays
/// (spec "Customers / overlays"). Base owns the parties; Venue stores only its overlays.
struct CustomersRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: CustomersRepository
    /// Nil when BASE_URL is not set: the search then answers overlay matches only.
    let market: BasePartiesClient?

    static let marketNotConfigured = "Market (Base) is not configured; only this company's customer overlays were searched."
    static let marketUnreachable = "Market (Base) could not be reached; only this company's customer overlays were searched."

    func addRoutes(to tenant: RouterGroup<Context>) {
        let customers = tenant.group("/api/v1/customers")
        customers.get("search", use: search)
        customers.post("{id}/overlays", use: createOverlay)
    }

    /// Base's party search merged with the company's overlay matches, one item per party, ranked
    /// (`CustomerRanking`). Base not configured, unreachable, slow or erroring is never this request failing:
    /// the overlay matches come alone with `marketAvailable: false` and the reason goes to the log.
    @Sendable func search(_ request: Request, context: Context) async throws -> CustomerSearchResult {
        let scope = try context.tenant(permission: VenuePermission.customersRead)
        let query = try CustomerSearchQuery(request)
        var parties: [PartySearchItem] = []
        var message: String?
        if let market {
            do {
                parties = try await market.search(PartySearchQuery(q: query.q, kind: query.kind, limit: query.limit),
                                                  companyID: scope.companyID).items
            } catch {
                context.logger.warning("market party search failed", metadata: ["error": "\(error)"])
                message = Self.marketUnreachable
            }
        } else {
            message = Self.marketNotConfigured
        }
        let overlays = try await repository.overlays(companyID: scope.companyID, matching: query.q, kind: query.kind?.rawValue,
                                                     limit: query.limit, partyIDs: parties.map(\.id))
        return CustomerSearchResult(items: CustomerRanking.merge(market: parties, overlays: overlays, limit: query.limit),
                                    marketAvailable: message == nil, marketMessage: message, limit: query.limit)
    }

    /// A new current overlay for the party `{id}` (a Base party id, company- or person-level by `partyKind`).
    @Sendable func createOverlay(_ request: Request, context: Context) async throws -> EditedResponse<CustomerOverlay> {
        let scope = try context.tenant(permission: VenuePermission.customersWrite)
        let partyID = try context.parameters.uuid("id", what: "party")
        let body = try await request.decodeValid(as: CreateCustomerOverlay.self, context: context)
        let overlay = try await repository.createOverlay(companyID: scope.companyID, userID: scope.userID, partyID: partyID, body)
        return EditedResponse(status: .created, response: overlay)
    }
}
