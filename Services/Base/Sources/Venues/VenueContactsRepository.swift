import Foundation
import HTTPTypes
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's contacts at its linked venues (`venue_contacts`, 0014).
struct VenueContactsRepository: Sendable {
    let database: Database

    static let columns = """
        c.id, c.venue_id, c.name, c.role, c.email, c.phone, c.notes, c.is_primary, c.created_by, c.created_at, c.updated_at
        """

    static let constraints = ConstraintMessages([
        "venue_contacts_one_primary": .conflict("primary_contact_exists",
                                                "This venue already has a primary contact; unmark it first."),
        "venue_contacts_link_fk": APIError(.notFound, code: "venue_not_linked", message: "The company has not linked this venue."),
    ])

    static func decode(_ row: PostgresRow) throws -> VenueContact {
        let c = Columns(row)
        return VenueContact(id: try c("id"), venueId: try c("venue_id"), name: try c("name"), role: try c("role"), email: try c("email"),
                            phone: try c("phone"), notes: try c("notes"), isPrimary: try c("is_primary"), createdBy: try c("created_by"),
                            createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// Primary first, then by name.
    func list(companyID: UUID, venueID: UUID, page: PageRequest) async throws -> (items: [VenueContact], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venue_contacts c
            WHERE c.company_id = \(companyID) AND c.venue_id = \(venueID)
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY c.is_primary DESC, lower(c.name), c.id",
                                       page: page, decode: Self.decode)
    }

    /// The link's foreign key refuses a venue the company has not linked (404 `venue_not_linked`).
    func create(companyID: UUID, venueID: UUID, userID: UUID, _ b: VenueContactInput) async throws -> VenueContact {
        try await Self.constraints.map {
            guard let contact = try await database.query("""
                INSERT INTO venue_contacts AS c (company_id, venue_id, name, role, email, phone, notes, is_primary, created_by)
                VALUES (\(companyID), \(venueID), \(b.trimmedName), \(b.role), \(b.email), \(b.phone), \(b.notes), \(b.isPrimary ?? false),
                        \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode) else { throw APIError.internalError }
            return contact
        }
    }

    /// Nil when the contact is not this company's at this venue.
    func replace(companyID: UUID, venueID: UUID, id: UUID, _ b: VenueContactInput) async throws -> VenueContact? {
        try await Self.constraints.map {
            try await database.query("""
                UPDATE venue_contacts AS c SET name = \(b.trimmedName), role = \(b.role), email = \(b.email), phone = \(b.phone),
                    notes = \(b.notes), is_primary = \(b.isPrimary ?? false), updated_at = clock_timestamp()
                WHERE c.company_id = \(companyID) AND c.venue_id = \(venueID) AND c.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
    }

    func delete(companyID: UUID, venueID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM venue_contacts WHERE company_id = \(companyID) AND venue_id = \(venueID) AND id = \(id) RETURNING id
            """).first { try $0.decode(UUID.self) } != nil
    }
}
