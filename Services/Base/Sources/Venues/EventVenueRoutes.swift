import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// `GET/PUT /api/events/{id}/venue` (tag Events, `basic.events.*`): an event's venue is Venue's venue; the event keeps
/// its id and a snapshot of its name and city (0009), so lists and documents never need Venue.
struct EventVenueRoutes: Sendable {
    typealias Context = BaseService.Context
    let events: VenueEventsRepository
    let directory: VenueDirectory

    func addRoutes(to tenant: RouterGroup<Context>) {
        let eventVenue = tenant.group("/api/events")
        eventVenue.get("{id}/venue", use: get)
        eventVenue.put("{id}/venue", use: set)
    }

    /// Venue's record of the event's venue; 404 `no_venue` when the event has none, `venue_not_found` when Venue no
    /// longer has it.
    @Sendable func get(_ request: Request, context: Context) async throws -> EventVenue {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        guard let event = try await events.eventVenue(companyID: scope.companyID, eventID: id) else { throw APIError.notFound("event") }
        guard let venueID = event.venueID else {
            throw APIError(.notFound, code: "no_venue", message: "This event has no venue.")
        }
        let venue = try await directory.venue(venueID)
        return EventVenue(eventId: id, venueId: venueID, venueName: event.venueName, city: event.city, venue: venue)
    }

    /// Sets the event's venue after Venue confirms it exists (404 `venue_not_found` otherwise) and snapshots its name
    /// and city on the event.
    @Sendable func set(_ request: Request, context: Context) async throws -> EventVenue {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: SetEventVenue.self, context: context)
        guard let venueID = body.venueId else { throw APIError.internalError }
        // The event first: another company's event is 404 whatever the venue.
        guard try await events.eventVenue(companyID: scope.companyID, eventID: id) != nil else { throw APIError.notFound("event") }
        let venue = try await directory.venue(venueID)
        guard let snapshot = try await events.setEventVenue(companyID: scope.companyID, eventID: id, venueID: venueID, venueName: venue.name,
                                                            city: venue.city) else { throw APIError.notFound("event") }
        return EventVenue(eventId: id, venueId: venueID, venueName: snapshot.venueName, city: snapshot.city, venue: venue)
    }
}
