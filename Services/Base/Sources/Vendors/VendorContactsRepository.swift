import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The company's contacts at its vendors (`vendor_contacts`, 0024); they go with the vendor.
struct VendorContactsRepository: Sendable {
    let database: Database

    static let columns = """
        c.id, c.vendor_id, c.name, c.role, c.email, c.phone, c.notes, c.is_primary, c.created_by, c.created_at, c.updated_at
        """

    static let constraints = ConstraintMessages([
        "vendor_contacts_one_primary": .conflict("primary_contact_exists", "This vendor already has a primary contact; unmark it first."),
        "vendor_contacts_vendor_fk": .notFound("vendor"),
        "vendor_contacts_name_check": .validation(field: "name", code: "blank", message: "The name must have 1 to 200 characters."),
    ])

    static func decode(_ row: PostgresRow) throws -> VendorContact {
        let c = Columns(row)
        return VendorContact(id: try c("id"), vendorId: try c("vendor_id"), name: try c("name"), role: try c("role"), email: try c("email"),
                             phone: try c("phone"), notes: try c("notes"), isPrimary: try c("is_primary"), createdBy: try c("created_by"),
                             createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    /// Primary first, then by name.
    func list(companyID: UUID, vendorID: UUID, page: PageRequest) async throws -> (items: [VendorContact], total: Int) {
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM vendor_contacts c
            WHERE c.company_id = \(companyID) AND c.vendor_id = \(vendorID)
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY c.is_primary DESC, lower(c.name), c.id",
                                       page: page, decode: Self.decode)
    }

    /// The vendor foreign key refuses another company's (or no) vendor: 404.
    func create(companyID: UUID, vendorID: UUID, userID: UUID, _ b: VendorContactInput) async throws -> VendorContact {
        try await Self.constraints.map {
            guard let contact = try await database.query("""
                INSERT INTO vendor_contacts AS c (company_id, vendor_id, name, role, email, phone, notes, is_primary, created_by)
                VALUES (\(companyID), \(vendorID), \(b.trimmedName), \(b.role), \(b.email), \(b.phone), \(b.notes), \(b.isPrimary ?? false),
                        \(userID))
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode) else { throw APIError.internalError }
            return contact
        }
    }

    /// Nil when the contact is not this company's at this vendor.
    func replace(companyID: UUID, vendorID: UUID, id: UUID, _ b: VendorContactInput) async throws -> VendorContact? {
        try await Self.constraints.map {
            try await database.query("""
                UPDATE vendor_contacts AS c SET name = \(b.trimmedName), role = \(b.role), email = \(b.email), phone = \(b.phone),
                    notes = \(b.notes), is_primary = \(b.isPrimary ?? false), updated_at = clock_timestamp()
                WHERE c.company_id = \(companyID) AND c.vendor_id = \(vendorID) AND c.id = \(id)
                RETURNING \(unescaped: Self.columns)
                """).first(Self.decode)
        }
    }

    func delete(companyID: UUID, vendorID: UUID, id: UUID) async throws -> Bool {
        try await database.query("""
            DELETE FROM vendor_contacts WHERE company_id = \(companyID) AND vendor_id = \(vendorID) AND id = \(id) RETURNING id
            """).first { try $0.decode(UUID.self) } != nil
    }
}
