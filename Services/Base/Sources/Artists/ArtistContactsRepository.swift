import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// An artist's contacts. Every statement names the company and the artist, so a contact is only reachable
/// through its own artist.
struct ArtistContactsRepository: Sendable {
    let database: Database

    static let columns = """
        c.id, c.artist_id, c.name, c.role, c.email, c.phone, c.company_name, c.notes, c.is_primary, c.created_at, c.updated_at
        """

    static let constraints = ConstraintMessages([
        "artist_contacts_one_primary": .conflict("primary_contact_exists",
                                                 "The artist already has a primary contact; unmark that one first."),
        "artist_contacts_name_check": .validation(field: "name", code: "blank", message: "The name must hold 1 to 200 characters besides spaces."),
        "artist_contacts_email_check": .validation(field: "email", code: "too_long", message: "At most 254 characters."),
    ])

    static func decode(_ row: PostgresRow) throws -> ArtistContact {
        let c = Columns(row)
        return ArtistContact(id: try c("id"), artistId: try c("artist_id"), name: try c("name"), role: try c("role"),
                             email: try c("email"), phone: try c("phone"), company: try c("company_name"), notes: try c("notes"),
                             isPrimary: try c("is_primary"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// The primary contact first, then by name; nil when the company has no such artist.
    func list(companyID: UUID, artistID: UUID, page: PageRequest) async throws -> (items: [ArtistContact], total: Int)? {
        var found = false
        var total = 0
        var items: [ArtistContact] = []
        let rows = try await database.query("""
            SELECT t.n AS list_total, \(unescaped: Self.columns)
            FROM artists ar
            CROSS JOIN (SELECT count(*) AS n FROM artist_contacts WHERE company_id = \(companyID) AND artist_id = \(artistID)) t
            LEFT JOIN LATERAL (
                SELECT * FROM artist_contacts x WHERE x.company_id = \(companyID) AND x.artist_id = \(artistID)
                ORDER BY x.is_primary DESC, lower(x.name), x.id \(unescaped: SQLText.page(page))) c ON true
            WHERE ar.company_id = \(companyID) AND ar.id = \(artistID)
            ORDER BY c.is_primary DESC, lower(c.name), c.id
            """)
        for try await row in rows {
            found = true
            total = try Columns(row)("list_total", as: Int.self)
            if try Columns(row)("id", as: UUID?.self) != nil { items.append(try Self.decode(row)) }
        }
        return found ? (items, total) : nil
    }

    /// Nil when the company has no such artist.
    func create(companyID: UUID, artistID: UUID, userID: UUID, _ input: ContactInput) async throws -> ArtistContact? {
        try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    INSERT INTO artist_contacts (company_id, artist_id, name, role, email, phone, company_name, notes, is_primary, created_by)
                    SELECT company_id, id, \(input.name ?? ""), \(input.role ?? "other"), \(input.email), \(input.phone), \(input.company),
                           \(input.notes), \(input.isPrimary ?? false), \(userID)
                    FROM artists WHERE company_id = \(companyID) AND id = \(artistID)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM c
                """).first(Self.decode)
        }
    }

    /// Replaces the contact; nil when the artist has no such contact (in this company).
    func update(companyID: UUID, artistID: UUID, id: UUID, _ input: ContactInput) async throws -> ArtistContact? {
        try await Self.constraints.map {
            try await database.query("""
                WITH c AS (
                    UPDATE artist_contacts SET name = \(input.name ?? ""), role = \(input.role ?? "other"), email = \(input.email),
                        phone = \(input.phone), company_name = \(input.company), notes = \(input.notes),
                        is_primary = \(input.isPrimary ?? false), updated_at = now()
                    WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(id)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM c
                """).first(Self.decode)
        }
    }

    func delete(companyID: UUID, artistID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM artist_contacts WHERE company_id = \(companyID) AND artist_id = \(artistID) AND id = \(id) RETURNING id
            """).first { _ in true } ?? false
    }
}
