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

    /// `{id}` is a `publicEventId` UUID (any case) or a 24-hex legacy id (any case); anything else cannot
    /// name an event in either store and is 400 `invalid_event_id`, so a caller's bug is told apart from
    /// an event that does not exist.
    @Sendable func resolve(_ request: Request, context: Context) async throws -> ResolvedEvent {
        guard let companyID = try TenantHeaders.companyID(in: request.headers) else {
            throw APIError.badRequest("tenant_required", "The x-org (or x-workspace-id) header naming the company is required.")
        }
        guard let text = context.parameters.get("id"), let reference = EventReference(text) else {
            throw APIError.badRequest("invalid_event_id", "The id must be a publicEventId UUID or a 24-character hexadecimal legacy id.")
        }
        guard let event = try await repository.resolve(companyID: companyID, reference) else { throw APIError.notFound("event") }
        return ResolvedEvent(event)
    }
}

/// What the resolver answers: the event's identity and the fields a reference needs, every key present
/// (`null` when empty).
struct ResolvedEvent: Codable, Sendable, ResponseEncodable {
    var publicEventId: UUID
    var companyId: UUID
    var legacyId: String?
    var title: String
    var startAt: Date
    var endAt: Date?
    var timezone: String
    var status: String
    var venueId: UUID?

    init(_ event: PromoterEvent) {
        publicEventId = event.publicEventId
        companyId = event.companyId
        legacyId = event.legacyId
        title = event.title
        startAt = event.startAt
        endAt = event.endAt
        timezone = event.timezone
        status = event.status
        venueId = event.venueId
    }

    enum CodingKeys: String, CodingKey {
        case publicEventId, companyId, legacyId, title, startAt, endAt, timezone, status, venueId
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(publicEventId, forKey: .publicEventId)
        try c.encode(companyId, forKey: .companyId)
        try c.encode(legacyId, forKey: .legacyId)
        try c.encode(title, forKey: .title)
        try c.encode(startAt, forKey: .startAt)
        try c.encode(endAt, forKey: .endAt)
        try c.encode(timezone, forKey: .timezone)
        try c.encode(status, forKey: .status)
        try c.encode(venueId, forKey: .venueId)
    }
}
