import Foundation
import Hummingbird
import KisumKernel

/// `/internal/events/{id}`: the resolver Venue calls before it stores a promoter event reference. Behind
/// the internal API key; the company comes from `x-org` (a machine caller has no membership to derive it
/// from), and an event of another company answers 404 like an unknown one.
struct InternalEventsRoutes: Sendable {
    typealias Context = PromoterService.Context
    let repository: EventsRepository

    /// `machine` is the path-less internal-key group; the group below names its full path (NOTES.md, step 5).
    func addRoutes(to machine: RouterGroup<Context>) {
        let events = machine.group("/internal/events")
        events.get("{id}", use: resolve)
    }

    /// The answer is the event itself, the same shape the tenant routes return.
    /// `{id}` is a `publicEventId` UUID (any case) or a 24-hex legacy id (any case); anything else cannot
    /// name an event in either store and is 400 `invalid_event_id`, so a caller's bug is told apart from
    /// an event that does not exist.
    @Sendable func resolve(_ request: Request, context: Context) async throws -> PromoterEvent {
        guard let companyID = try TenantHeaders.companyID(in: request.headers) else {
            throw APIError.badRequest("tenant_required", "The x-org (or x-workspace-id) header naming the company is required.")
        }
        guard let text = context.parameters.get("id"), let reference = EventReference(text) else {
            throw APIError.badRequest("invalid_event_id", "The id must be a publicEventId UUID or a 24-character hexadecimal legacy id.")
        }
        return try await repository.resolve(companyID: companyID, reference).orNotFound("event")
    }
}
