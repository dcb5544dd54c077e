import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// What happens at a venue: the company's events there, their stats with Venue's capacity, the venue's availability
/// (Venue's bookings and blocks with the company's events and holds) and inquiries (checked against Venue's answer).
struct VenueActivityRoutes: Sendable {
    typealias Context = BaseService.Context
    let events: VenueEventsRepository
    let inquiries: VenueInquiriesRepository
    let directory: VenueDirectory

    /// An availability answer spans at most this many days (a quarter), and 31 when `to` is left out.
    static let maxAvailabilityDays = 92
    static let defaultAvailabilityDays = 31

    func addRoutes(to tenant: RouterGroup<Context>) {
        let venues = tenant.group("/api/venues")
        venues.get("{id}/events", use: listEvents)
        venues.get("{id}/stats", use: stats)
        venues.get("{id}/availability", use: availability)
        venues.get("{id}/inquiry", use: inquiryOverview)
        venues.post("{id}/inquiry", use: sendInquiry)
    }

    /// The company's events at the venue (Base's own rows: Venue is not asked), by date; `order=desc` for newest first.
    @Sendable func listEvents(_ request: Request, context: Context) async throws -> Page<VenueEvent> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        let status = q.oneOf("status", VenueEventStatus.all)
        let descending = q.oneOf("order", ["asc", "desc"]) == "desc"
        try q.validate()
        let result = try await events.list(companyID: scope.companyID, venueID: id, from: from, to: to, status: status,
                                           descending: descending, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// Counts from the company's events at the venue plus Venue's capacities; 404 `venue_not_found` when Venue has no
    /// such venue.
    @Sendable func stats(_ request: Request, context: Context) async throws -> VenueStats {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        guard let info = try await directory.call({ try await $0.inquiry(id: id) }) else { throw VenueDirectory.notFound }
        let counts = try await events.counts(companyID: scope.companyID, venueID: id, today: CalendarDate.today())
        return VenueStats(venueId: id, totalEvents: counts.byStatus.values.reduce(0, +), byStatus: counts.byStatus, upcoming: counts.upcoming,
                          past: counts.past, lastPlayedOn: counts.lastPlayedOn, nextEventOn: counts.nextEventOn, capacity: info.capacity,
                          largestSpaceCapacity: info.largestSpaceCapacity)
    }

    /// `from` (default today, UTC) to `to` (default 30 days later; at most 92 days): Venue's spaces and what occupies
    /// them, the company's not-cancelled events there, and per day whether anything does.
    @Sendable func availability(_ request: Request, context: Context) async throws -> VenueAvailability {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        var q = QueryReader(request)
        let from = q.calendarDate("from") ?? CalendarDate.today()
        let toGiven = q.calendarDate("to")
        try q.validate()
        // A real day outside the years the service plans in is well-formed (the contract's pattern takes it), so it is
        // 422, not 400.
        var v = Validator()
        let given: [(String, String?)] = [("from", from), ("to", toGiven)]
        for (field, value) in given {
            if let value, !("1900-01-01"..."2199-12-31").contains(value) {
                v.add(field, "out_of_range", "Must be between 1900-01-01 and 2199-12-31.")
            }
        }
        try v.validate()
        let to = toGiven ?? VenueDays.adding(Self.defaultAvailabilityDays - 1, to: from) ?? from
        if to < from {
            v.add("to", "before_from", "Must be on or after from.")
        } else if VenueDays.range(from, to, limit: Self.maxAvailabilityDays + 1).count > Self.maxAvailabilityDays {
            v.add("to", "range_too_long", "At most \(Self.maxAvailabilityDays) days.")
        }
        try v.validate()
        guard let venue = try await directory.call({ try await $0.availability(id: id, from: from, to: to) }) else {
            throw VenueDirectory.notFound
        }
        let ours = try await events.inRange(companyID: scope.companyID, venueID: id, from: from, to: to)
        let spans = venue.busy.compactMap { VenueDays.touched(start: $0.startsAt, end: $0.endsAt) }
        let days = VenueDays.range(from, to, limit: Self.maxAvailabilityDays).map { day -> VenueDay in
            let busy = spans.contains { $0.contains(day) }
            let thatDay = ours.filter { $0.date == day }
            let holds = thatDay.filter { $0.status == "hold" }.count
            return VenueDay(date: day, venueBusy: busy, events: thatDay.count, holds: holds, available: !busy && thatDay.isEmpty)
        }
        return VenueAvailability(venueId: id, from: from, to: to, spaces: venue.spaces, busy: venue.busy, events: ours, days: days)
    }

    /// Venue's inquiry answer for the venue and the company's 50 newest inquiries about it.
    @Sendable func inquiryOverview(_ request: Request, context: Context) async throws -> VenueInquiryOverview {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        guard let info = try await directory.call({ try await $0.inquiry(id: id) }) else { throw VenueDirectory.notFound }
        let sent = try await inquiries.recent(companyID: scope.companyID, venueID: id, limit: 50)
        return VenueInquiryOverview(inquiry: info, sent: sent.items, sentTotal: sent.total)
    }

    /// Sends (records) an inquiry after checking it against Venue's current answer: the venue takes inquiries (409),
    /// the spaces are its active ones and the attendance fits (422).
    @Sendable func sendInquiry(_ request: Request, context: Context) async throws -> EditedResponse<VenueInquiry> {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let body = try await request.decodeValid(as: CreateVenueInquiry.self, context: context)
        guard let info = try await directory.call({ try await $0.inquiry(id: id) }) else { throw VenueDirectory.notFound }
        try body.check(against: info)
        let inquiry = try await inquiries.create(companyID: scope.companyID, userID: scope.userID, venueID: id, venueName: info.venue.name,
                                                 recipient: info.inquiryRecipient, body)
        return EditedResponse(status: .created, response: inquiry)
    }
}
