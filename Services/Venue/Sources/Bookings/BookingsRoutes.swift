import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/bookings`.
struct BookingsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: BookingsRepository
    let promoters: PromoterEventResolver

    func addRoutes(to tenant: RouterGroup<Context>) {
        let bookings = tenant.group("/api/v1/bookings")
        bookings.get("", use: list)
        bookings.post("", use: create)
        bookings.get("{id}", use: get)
        bookings.patch("{id}", use: update)
    }

    /// Filters: status, spaceId, venueId, eventId, promoterEventId, marketCompanyId, marketPersonId,
    /// fromAt/toAt (bookings overlapping the window), page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Booking> {
        let scope = try context.tenant(permission: VenuePermission.bookingsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = BookingFilter(
            status: q.oneOf("status", BookingStatus.all), spaceID: q.uuid("spaceId"), venueID: q.uuid("venueId"),
            eventID: q.uuid("eventId"), promoterEventID: q.search("promoterEventId", maxLength: 64),
            marketCompanyID: q.uuid("marketCompanyId"), marketPersonID: q.uuid("marketPersonId"),
            fromAt: q.date("fromAt"), toAt: q.date("toAt"))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Booking> {
        let scope = try context.tenant(permission: VenuePermission.bookingsWrite)
        let body = try await request.decodeValid(as: CreateBooking.self, context: context)
        // Promoter is asked before the transaction opens: no row lock or pooled connection waits on it.
        let promoterEventID = try await promoters.canonical(body.promoterEventId, companyID: scope.companyID)
        let booking = try await repository.create(companyID: scope.companyID, userID: scope.userID, body, promoterEventID: promoterEventID)
        return EditedResponse(status: .created, response: booking)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Booking {
        let scope = try context.tenant(permission: VenuePermission.bookingsRead)
        let id = try context.parameters.uuid("id", what: "booking")
        guard let booking = try await repository.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("booking") }
        return booking
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Booking {
        let scope = try context.tenant(permission: VenuePermission.bookingsWrite)
        let id = try context.parameters.uuid("id", what: "booking")
        let patch = try await request.decodeValid(as: BookingPatch.self, context: context)
        let confirmed = try await confirmedPromoterEvent(companyID: scope.companyID, id: id, patch)
        guard let booking = try await repository.update(companyID: scope.companyID, userID: scope.userID, id: id, patch,
                                                        promoterEvent: confirmed) else {
            throw APIError.notFound("booking")
        }
        return booking
    }

    /// Confirming runs SyncBookingEvent, which writes the booking's promoter event into `venue_events`; the id is
    /// resolved through Promoter first (bookings stored before strict validation may hold a legacy id or one
    /// Promoter does not know). A booking that does not exist or cannot move to confirmed is answered without
    /// asking Promoter; the transaction checks both again under the row lock. Nil when nothing is to resolve.
    private func confirmedPromoterEvent(companyID: UUID, id: UUID, _ patch: BookingPatch) async throws -> ResolvedPromoterEvent? {
        guard patch.status.value == "confirmed" else { return nil }
        let current = try await repository.get(companyID: companyID, id: id).orNotFound("booking")
        if let problem = BookingStatus.check(from: current.status, to: "confirmed", endsAt: current.endAt) { throw problem }
        guard let stored = current.promoterEventId,
              let canonical = try await promoters.canonical(stored, companyID: companyID) else { return nil }
        return ResolvedPromoterEvent(stored: stored, canonical: canonical)
    }
}
