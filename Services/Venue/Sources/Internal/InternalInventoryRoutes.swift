import Foundation
import Hummingbird
import KisumKernel

/// The inventory reads Base's Venues group needs beyond the list and one venue (registered in
/// `InternalVenuesRoutes.addRoutes`): a batch by ids, venues near a point, the type catalog and a venue's
/// availability over days.
extension InternalVenuesRoutes {
    static let maxBatch = 100
    /// Days an availability answer may span, so one request cannot ask for years of occupancy.
    static let maxAvailabilityDays = 366

    /// `?ids=a,b,…` (1–100 uuids): the live ones, unknown or deleted ids left out.
    @Sendable func batch(_ request: Request, context: Context) async throws -> InternalVenueBatch {
        var q = QueryReader(request)
        var ids: [UUID] = []
        if let text = q.string("ids") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            if parts.count > Self.maxBatch {
                q.add("ids", "too_many", "At most \(Self.maxBatch) ids.")
            } else {
                for part in parts {
                    guard let id = UUID(uuidString: part.trimmingCharacters(in: .whitespaces)) else {
                        q.add("ids", "invalid_uuid", "Must be comma-separated uuids.")
                        break
                    }
                    ids.append(id)
                }
            }
        } else {
            q.add("ids", "required", "Name the venues: ids=<uuid>,<uuid>,…")
        }
        try q.validate()
        return InternalVenueBatch(items: try await inventory.venues(ids: ids))
    }

    /// `?lat=&lng=&radiusKm=` (default 25, at most 500): venues with coordinates inside the circle, nearest first.
    @Sendable func nearby(_ request: Request, context: Context) async throws -> Page<NearbyVenue> {
        var q = QueryReader(request)
        let page = q.page()
        let latitude = Self.coordinate(request, &q, "lat", -90...90, required: true)
        let longitude = Self.coordinate(request, &q, "lng", -180...180, required: true)
        let radius = Self.coordinate(request, &q, "radiusKm", 0.001...500, required: false) ?? 25
        let text = q.search()
        try q.validate()
        guard let latitude, let longitude else { throw APIError.internalError }
        let result = try await inventory.nearby(latitude: latitude, longitude: longitude, radiusKm: radius, q: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// The global venue type catalog, by name.
    @Sendable func listTypes(_ request: Request, context: Context) async throws -> Page<VenueType> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 100)
        let text = q.search()
        try q.validate()
        let result = try await types.list(q: text, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `?from=&to=` (days, UTC, inclusive; at most 366 days, else 422): the venue's active spaces and what occupies them.
    @Sendable func availability(_ request: Request, context: Context) async throws -> InternalVenueAvailability {
        let id = try context.parameters.uuid("id", what: "venue")
        var q = QueryReader(request)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        if q.string("from") == nil { q.add("from", "required", "This parameter is required.") }
        if q.string("to") == nil { q.add("to", "required", "This parameter is required.") }
        try q.validate()
        guard let from, let to else { throw APIError.internalError }
        // Cross-field rules are 422: each parameter alone was fine.
        var v = Validator()
        if to < from {
            v.add("to", "before_from", "Must be on or after from.")
        } else if let days = Self.days(from: from, to: to), days > Self.maxAvailabilityDays {
            v.add("to", "range_too_long", "At most \(Self.maxAvailabilityDays) days.")
        }
        try v.validate()
        guard let venue = try await venues.get(id: id) else { throw APIError.notFound("venue") }
        let venueSpaces = try await spaces.list(companyID: venue.companyId, venueID: venue.id).filter { $0.status == "active" }
        let busy = try await inventory.availability(companyID: venue.companyId, venueID: venue.id, from: from, to: to)
        return InternalVenueAvailability(venueId: venue.id, from: from, to: to, spaces: venueSpaces, busy: busy)
    }

    /// A finite number in `range`; sent empty it is refused like every typed parameter.
    static func coordinate(_ request: Request, _ q: inout QueryReader, _ name: String, _ range: ClosedRange<Double>,
                           required: Bool) -> Double? {
        guard let text = request.uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespaces) else {
            if required { q.add(name, "required", "This parameter is required.") }
            return nil
        }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            q.add(name, "invalid_number", "Must be a number from \(range.lowerBound) to \(range.upperBound).")
            return nil
        }
        return value
    }

    /// Whole days between two valid `YYYY-MM-DD` days, inclusive.
    static func days(from: String, to: String) -> Int? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let start = formatter.date(from: from), let end = formatter.date(from: to),
              let days = calendar.dateComponents([.day], from: start, to: end).day else { return nil }
        return days + 1
    }
}

struct InternalVenueBatch: Codable, Sendable, ResponseEncodable {
    var items: [Venue]
}

struct NearbyVenue: Codable, Sendable, ResponseEncodable {
    var venue: Venue
    var distanceKm: Double
}

struct InternalBusySpan: Codable, Sendable {
    var spaceId: UUID
    /// `booking` or `block`.
    var source: String
    /// The booking's status or the block's kind.
    var kind: String
    var startsAt: Date
    var endsAt: Date
    var expiresAt: Date?
}

struct InternalVenueAvailability: Codable, Sendable, ResponseEncodable {
    var venueId: UUID
    var from: String
    var to: String
    var spaces: [Space]
    var busy: [InternalBusySpan]
}
