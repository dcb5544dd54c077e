import Foundation
import Hummingbird
import KisumKernel

/// `/internal/venues…`: read-only venue inventory for other Kisum backends (Base's Venues group),
/// so nobody reads Venue's tables directly. Behind the internal API key; spans companies.
struct InternalVenuesRoutes: Sendable {
    typealias Context = VenueService.Context
    let venues: VenuesRepository
    let spaces: SpacesRepository
    let inventory: InternalInventoryRepository
    let types: VenueTypesRepository
    let holdingCompanyID: UUID

    func addRoutes(to machine: RouterGroup<Context>) {
        let venues = machine.group("/internal/venues")
        venues.get("", use: list)
        venues.get("batch", use: batch)
        venues.get("nearby", use: nearby)
        venues.get("types", use: listTypes)
        venues.get("{id}", use: get)
        venues.get("{id}/inquiry", use: inquiry)
        venues.get("{id}/availability", use: availability)
    }

    /// Filters: page, limit, q, status, city, companyId. Soft-deleted venues are left out.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Venue> {
        var q = QueryReader(request)
        let page = q.page()
        let filter = VenueFilter(q: q.search(), status: q.oneOf("status", VenueStatus.all), city: q.search("city", maxLength: 100),
                                 companyID: q.uuid("companyId"))
        try q.validate()
        let result = try await venues.list(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Venue {
        let id = try context.parameters.uuid("id", what: "venue")
        guard let venue = try await venues.get(id: id) else { throw APIError.notFound("venue") }
        return venue
    }

    @Sendable func inquiry(_ request: Request, context: Context) async throws -> VenueInquiry {
        let id = try context.parameters.uuid("id", what: "venue")
        guard let venue = try await venues.get(id: id) else { throw APIError.notFound("venue") }
        let venueSpaces = try await spaces.list(companyID: venue.companyId, venueID: venue.id).filter { $0.status == "active" }
        return VenueInquiry(venue: venue, spaces: venueSpaces, holdingCompanyID: holdingCompanyID)
    }
}

/// What an inquiry about a venue needs: who answers it, how to reach them, what can be booked.
struct VenueInquiry: Codable, Sendable, ResponseEncodable {
    struct Contact: Codable, Sendable {
        var name: String?
        var email: String?
        var phone: String?
        var website: String?
    }

    var venue: Venue
    /// Active spaces, the bookable units an inquiry can name.
    var spaces: [Space]
    /// False while the venue is sleeping inventory under the Kisum holding company.
    var managed: Bool
    /// Active and sleeping venues take inquiries; inactive and archived ones do not.
    var acceptsInquiries: Bool
    /// `venue` (the owning company answers) or `kisum` (sleeping venue: Kisum answers and may
    /// start a takeover).
    var inquiryRecipient: String
    var contact: Contact
    var capacity: Int?
    var largestSpaceCapacity: Int?

    init(venue: Venue, spaces: [Space], holdingCompanyID: UUID) {
        self.venue = venue
        self.spaces = spaces
        self.managed = venue.companyId != holdingCompanyID && venue.status != "sleeping"
        self.acceptsInquiries = venue.status == "active" || venue.status == "sleeping"
        self.inquiryRecipient = managed ? "venue" : "kisum"
        self.contact = Contact(name: venue.contactName, email: venue.contactEmail, phone: venue.contactPhone, website: venue.website)
        self.capacity = venue.capacity
        self.largestSpaceCapacity = spaces.compactMap(\.capacity).max()
    }
}
