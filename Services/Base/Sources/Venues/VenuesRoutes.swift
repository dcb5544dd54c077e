import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import KisumServiceClient

/// `/api/venues`: the company's venue list over Venue's inventory (issue 9, Venues). Venue owns the venues; Base keeps
/// the company's links with notes, tags and a rating. Reads of Venue's data answer 503 `venue_unavailable` when
/// Venue is not configured or does not answer (`basic.venues.read` / `.write`).
struct VenuesRoutes: Sendable {
    typealias Context = BaseService.Context
    let links: VenueLinksRepository
    let directory: VenueDirectory

    func addRoutes(to tenant: RouterGroup<Context>) {
        let venues = tenant.group("/api/venues")
        venues.get("", use: list)
        venues.post("", use: create)
        venues.get("search", use: search)
        venues.get("types", use: types)
        venues.get("nearby", use: nearby)
        venues.get("{id}", use: get)
        venues.put("{id}", use: replace)
        venues.delete("{id}", use: delete)
    }

    /// The company's linked venues with Venue's current data, fetched in one batch call for the page.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<LinkedVenue> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = VenueLinkFilter(q: q.search(), tag: q.search("tag", maxLength: 50), minRating: q.int("minRating", range: 1...5),
                                     sort: q.oneOf("sort", VenueLinkFilter.sorts) ?? "created")
        try q.validate()
        let result = try await links.list(companyID: scope.companyID, filter, page: page)
        let ids = result.items.map(\.venueId)
        let records = try await directory.call { try await $0.venues(ids: ids) }
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Page(items: result.items.map { LinkedVenue(link: $0, venue: byID[$0.venueId]) }, total: result.total, request: page)
    }

    /// Links a venue of Venue's inventory: 422 `venueId` when Venue has no such venue, 409 `venue_already_linked`.
    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<LinkedVenue> {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let body = try await request.decodeValid(as: CreateVenueLink.self, context: context)
        guard let venueID = body.venueId else { throw APIError.internalError }
        guard let venue = try await directory.call({ try await $0.venue(id: venueID) }) else {
            throw APIError.validation(field: "venueId", code: "not_found", message: "Venue has no venue with this id.")
        }
        let link = try await links.create(companyID: scope.companyID, userID: scope.userID, venueID: venueID, venueName: venue.name, body)
        return EditedResponse(status: .created, response: LinkedVenue(link: link, venue: venue))
    }

    /// Venue's inventory by name or city text, city and status; each hit says whether the company linked it.
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<VenueHit> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let text = q.search()
        let city = q.search("city", maxLength: 100)
        let status = q.oneOf("status", ["active", "inactive", "sleeping"])
        try q.validate()
        let found = try await directory.call { try await $0.list(q: text, status: status, city: city, page: page.page, limit: page.limit) }
        let linked = try await links.linked(companyID: scope.companyID, among: found.items.map(\.id))
        return Page(items: found.items.map { VenueHit(venue: $0, linked: linked.contains($0.id), distanceKm: nil) }, total: found.total,
                    request: page)
    }

    /// The venue types Venue knows.
    @Sendable func types(_ request: Request, context: Context) async throws -> Page<VenueTypeRecord> {
        _ = try context.tenant(permission: BasePermission.venuesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 100, maxLimit: 100)
        let text = q.search()
        try q.validate()
        let found = try await directory.call { try await $0.types(q: text, page: page.page, limit: page.limit) }
        return Page(items: found.items, total: found.total, request: page)
    }

    /// Venues with coordinates within `radiusKm` (default 25, at most 500) of `lat`/`lng`, nearest first.
    @Sendable func nearby(_ request: Request, context: Context) async throws -> Page<VenueHit> {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let latitude = Self.number(request, &q, "lat", -90...90, required: true)
        let longitude = Self.number(request, &q, "lng", -180...180, required: true)
        let radius = Self.number(request, &q, "radiusKm", 0.001...500, required: false) ?? 25
        let text = q.search()
        try q.validate()
        guard let latitude, let longitude else { throw APIError.internalError }
        let found = try await directory.call {
            try await $0.nearby(latitude: latitude, longitude: longitude, radiusKm: radius, q: text, page: page.page, limit: page.limit)
        }
        let linked = try await links.linked(companyID: scope.companyID, among: found.items.map(\.venue.id))
        return Page(items: found.items.map { VenueHit(venue: $0.venue, linked: linked.contains($0.venue.id), distanceKm: $0.distanceKm) },
                    total: found.total, request: page)
    }

    /// Venue's venue with the company's link (null when not linked): the inventory is shared, the link is not.
    @Sendable func get(_ request: Request, context: Context) async throws -> VenueDetail {
        let scope = try context.tenant(permission: BasePermission.venuesRead)
        let id = try context.parameters.uuid("id", what: "venue")
        let venue = try await directory.venue(id)
        return VenueDetail(venue: venue, link: try await links.get(companyID: scope.companyID, venueID: id))
    }

    /// Replaces the company's notes, tags and rating; 404 `venue_not_linked` when it has not linked the venue. Venue's
    /// current data comes along when Venue answers (the edit itself never needs Venue).
    @Sendable func replace(_ request: Request, context: Context) async throws -> LinkedVenue {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        let body = try await request.decodeValid(as: ReplaceVenueLink.self, context: context)
        guard let link = try await links.replace(companyID: scope.companyID, venueID: id, body) else { throw Self.notLinked }
        let venue = try? await directory.call { try await $0.venue(id: id) }
        return LinkedVenue(link: link, venue: venue)
    }

    /// Unlinks the venue (its contacts and documents go with the link); Venue's record is untouched.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.venuesWrite)
        let id = try context.parameters.uuid("id", what: "venue")
        guard try await links.delete(companyID: scope.companyID, venueID: id) else { throw Self.notLinked }
        return Response(status: .noContent)
    }

    static let notLinked = APIError(.notFound, code: "venue_not_linked", message: "The company has not linked this venue.")

    /// A finite number in `range`; sent empty it is refused like every typed parameter.
    static func number(_ request: Request, _ q: inout QueryReader, _ name: String, _ range: ClosedRange<Double>, required: Bool) -> Double? {
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
}
