import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Venue rows. Tenant calls always pass the company; the internal/Admin reads that span companies
/// take an explicit `VenueFilter.companyID` of nil and are only reachable behind the internal key.
struct VenuesRepository: Sendable {
    let database: Database

    static let columns = """
        v.id, v.company_id, v.venue_id, v.source_mongo_object_id, v.unique_id, v.name, v.description, v.status,
        v.claimable, v.venue_type_id, t.name AS venue_type_name, v.country, v.city, v.country_iso2, v.country_id,
        v.city_id, v.address_line1, v.address_line2, v.postal_code, v.region, v.latitude, v.longitude, v.timezone,
        v.capacity, v.contact_name, v.contact_email, v.contact_phone, v.website,
        v.operating_hours::text AS operating_hours, v.restrictions::text AS restrictions,
        v.technical_specs::text AS technical_specs, v.created_at, v.updated_at, v.deleted_at
        """
    /// The venue type's name comes along in the same query.
    static let joinType = "LEFT JOIN venue_type t ON t.venue_type_id = v.venue_type_id"

    static let constraints = ConstraintMessages([
        "venues_venue_type_fk": .validation(field: "venueTypeId", code: "not_found", message: "No venue type has this id."),
        "venues_claimable_only_sleeping": .validation(field: "claimable", code: "not_sleeping",
                                                      message: "Only sleeping venues can be claimable."),
        "venues_country_iso2_check": .validation(field: "countryIso2", code: "invalid_format", message: "Must be two upper-case letters."),
    ])

    static func decode(_ row: PostgresRow) throws -> Venue {
        let c = Columns(row)
        return Venue(
            id: try c("id"), companyId: try c("company_id"), venueId: try c("venue_id"),
            sourceMongoObjectId: try c("source_mongo_object_id"), uniqueId: try c("unique_id"), name: try c("name"),
            description: try c("description"), status: try c("status"), claimable: try c("claimable"),
            venueTypeId: try c("venue_type_id"), venueTypeName: try c("venue_type_name"), country: try c("country"),
            city: try c("city"), countryIso2: try c("country_iso2"), countryId: try c("country_id"), cityId: try c("city_id"),
            addressLine1: try c("address_line1"), addressLine2: try c("address_line2"), postalCode: try c("postal_code"),
            region: try c("region"), latitude: try c("latitude"), longitude: try c("longitude"), timezone: try c("timezone"),
            capacity: try c("capacity"), contactName: try c("contact_name"), contactEmail: try c("contact_email"),
            contactPhone: try c("contact_phone"), website: try c("website"), operatingHours: try c.json("operating_hours"),
            restrictions: try c.json("restrictions"), technicalSpecs: try c.json("technical_specs"),
            createdAt: try c("created_at"), updatedAt: try c("updated_at"), deletedAt: try c("deleted_at"))
    }

    // MARK: Reads

    /// A page of live (not deleted) venues matching `filter`, with the total.
    func list(_ filter: VenueFilter, page: PageRequest) async throws -> (items: [Venue], total: Int) {
        let pattern = SQLPattern.contains(filter.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM venues v \(unescaped: Self.joinType)
            WHERE v.deleted_at IS NULL
              AND (\(filter.companyID)::uuid IS NULL OR v.company_id = \(filter.companyID))
              AND (\(filter.status)::text IS NULL OR v.status = \(filter.status))
              AND (\(filter.excludeStatus)::text IS NULL OR v.status <> \(filter.excludeStatus))
              AND (\(filter.city)::text IS NULL OR lower(v.city) = lower(\(filter.city)))
              AND (\(filter.claimable)::boolean IS NULL OR v.claimable = \(filter.claimable))
              AND (\(pattern)::text IS NULL OR v.name ILIKE \(pattern) OR v.city ILIKE \(pattern))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY v.created_at DESC, v.id", page: page,
                                                      decode: Self.decode)
    }

    /// One live venue of the company.
    func get(companyID: UUID, id: UUID) async throws -> Venue? {
        try await database.execute(VenueByIDStatement(companyID: companyID, id: id)).first
    }

    /// One live venue by its uuid, whatever its company (internal reads).
    func get(id: UUID) async throws -> Venue? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM venues v \(unescaped: Self.joinType)
            WHERE v.id = \(id) AND v.deleted_at IS NULL
            """).first(Self.decode)
    }

    /// One live venue by Admin's numeric id.
    func get(venueNumber: Int) async throws -> Venue? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM venues v \(unescaped: Self.joinType)
            WHERE v.venue_id = \(venueNumber) AND v.deleted_at IS NULL
            """).first(Self.decode)
    }

    // MARK: Writes

    func create(companyID: UUID, _ input: CreateVenue, status: String, claimable: Bool) async throws -> Venue {
        let hours = try SQLText.json(input.operatingHours) ?? "{}"
        let restrictions = try SQLText.json(input.restrictions) ?? "{}"
        let specs = try SQLText.json(input.technicalSpecs) ?? "{}"
        return try await Self.constraints.map {
            try await database.query("""
                WITH v AS (
                    INSERT INTO venues (company_id, unique_id, name, description, status, claimable, venue_type_id,
                        country, city, country_iso2, country_id, city_id, address_line1, address_line2, postal_code, region,
                        latitude, longitude, timezone, capacity, contact_name, contact_email, contact_phone, website,
                        operating_hours, restrictions, technical_specs)
                    VALUES (\(companyID), \(input.uniqueId), \(input.name ?? ""), \(input.description), \(status), \(claimable),
                        \(input.venueTypeId), \(input.country), \(input.city), \(input.countryIso2), \(input.countryId),
                        \(input.cityId), \(input.addressLine1), \(input.addressLine2), \(input.postalCode), \(input.region),
                        \(input.latitude), \(input.longitude), \(input.timezone), \(input.capacity), \(input.contactName),
                        \(input.contactEmail), \(input.contactPhone), \(input.website),
                        \(hours)::jsonb, \(restrictions)::jsonb, \(specs)::jsonb)
                    RETURNING *)
                SELECT \(unescaped: Self.columns) FROM v \(unescaped: Self.joinType)
                """).first(Self.decode)!
        }
    }

    /// Applies a patch in one UPDATE under the row lock, after the status change is checked against the
    /// lifecycle (`VenueLifecycle`: 409 `invalid_transition`); nil when the venue does not exist (for this company).
    func update(companyID: UUID?, id: UUID? = nil, venueNumber: Int? = nil, _ p: VenuePatch) async throws -> Venue? {
        let hours = try SQLText.json(p.operatingHoursValue)
        let restrictions = try SQLText.json(p.restrictionsValue)
        let specs = try SQLText.json(p.technicalSpecsValue)
        let logger = database.logger
        return try await Self.constraints.map {
            try await database.transaction { connection -> Venue? in
                guard let (venueID, current) = try await connection.query("""
                    SELECT id, status FROM venues
                    WHERE deleted_at IS NULL
                      AND (\(companyID)::uuid IS NULL OR company_id = \(companyID))
                      AND (\(id)::uuid IS NULL OR id = \(id))
                      AND (\(venueNumber)::bigint IS NULL OR venue_id = \(venueNumber))
                    FOR UPDATE
                    """, logger: logger).first({ try $0.decode((UUID, String).self) }) else { return nil }
                if let target = p.status.value, let problem = VenueLifecycle.check(from: current, to: target) { throw problem }
                return try await connection.query("""
                    WITH v AS (
                        UPDATE venues SET
                            name = COALESCE(\(p.name.value), name),
                            description = CASE WHEN \(p.description.clears) THEN NULL ELSE COALESCE(\(p.description.value), description) END,
                            status = COALESCE(\(p.status.value), status),
                            claimable = COALESCE(\(p.claimable.value), claimable),
                            unique_id = CASE WHEN \(p.uniqueId.clears) THEN NULL ELSE COALESCE(\(p.uniqueId.value), unique_id) END,
                            venue_type_id = CASE WHEN \(p.venueTypeId.clears) THEN NULL ELSE COALESCE(\(p.venueTypeId.value), venue_type_id) END,
                            country = CASE WHEN \(p.country.clears) THEN NULL ELSE COALESCE(\(p.country.value), country) END,
                            city = CASE WHEN \(p.city.clears) THEN NULL ELSE COALESCE(\(p.city.value), city) END,
                            country_iso2 = CASE WHEN \(p.countryIso2.clears) THEN NULL ELSE COALESCE(\(p.countryIso2.value), country_iso2) END,
                            country_id = CASE WHEN \(p.countryId.clears) THEN NULL ELSE COALESCE(\(p.countryId.value), country_id) END,
                            city_id = CASE WHEN \(p.cityId.clears) THEN NULL ELSE COALESCE(\(p.cityId.value), city_id) END,
                            address_line1 = CASE WHEN \(p.addressLine1.clears) THEN NULL ELSE COALESCE(\(p.addressLine1.value), address_line1) END,
                            address_line2 = CASE WHEN \(p.addressLine2.clears) THEN NULL ELSE COALESCE(\(p.addressLine2.value), address_line2) END,
                            postal_code = CASE WHEN \(p.postalCode.clears) THEN NULL ELSE COALESCE(\(p.postalCode.value), postal_code) END,
                            region = CASE WHEN \(p.region.clears) THEN NULL ELSE COALESCE(\(p.region.value), region) END,
                            latitude = CASE WHEN \(p.latitude.clears) THEN NULL ELSE COALESCE(\(p.latitude.value), latitude) END,
                            longitude = CASE WHEN \(p.longitude.clears) THEN NULL ELSE COALESCE(\(p.longitude.value), longitude) END,
                            timezone = CASE WHEN \(p.timezone.clears) THEN NULL ELSE COALESCE(\(p.timezone.value), timezone) END,
                            capacity = CASE WHEN \(p.capacity.clears) THEN NULL ELSE COALESCE(\(p.capacity.value), capacity) END,
                            contact_name = CASE WHEN \(p.contactName.clears) THEN NULL ELSE COALESCE(\(p.contactName.value), contact_name) END,
                            contact_email = CASE WHEN \(p.contactEmail.clears) THEN NULL ELSE COALESCE(\(p.contactEmail.value), contact_email) END,
                            contact_phone = CASE WHEN \(p.contactPhone.clears) THEN NULL ELSE COALESCE(\(p.contactPhone.value), contact_phone) END,
                            website = CASE WHEN \(p.website.clears) THEN NULL ELSE COALESCE(\(p.website.value), website) END,
                            operating_hours = COALESCE(\(hours)::jsonb, operating_hours),
                            restrictions = COALESCE(\(restrictions)::jsonb, restrictions),
                            technical_specs = COALESCE(\(specs)::jsonb, technical_specs),
                            updated_at = now()
                        WHERE id = \(venueID)
                        RETURNING *)
                    SELECT \(unescaped: Self.columns) FROM v \(unescaped: Self.joinType)
                    """, logger: logger).first(Self.decode)
            }
        }
    }

    /// Soft-deletes a venue and its spaces in one transaction. Refused while the venue still has
    /// current or future bookings or blocks, which would otherwise keep holding dates invisibly.
    /// Returns false when there is no such live venue.
    func softDelete(companyID: UUID?, id: UUID? = nil, venueNumber: Int? = nil) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection in
            guard let (venueUUID, company) = try await connection.query("""
                SELECT id, company_id FROM venues
                WHERE deleted_at IS NULL
                  AND (\(companyID)::uuid IS NULL OR company_id = \(companyID))
                  AND (\(id)::uuid IS NULL OR id = \(id))
                  AND (\(venueNumber)::bigint IS NULL OR venue_id = \(venueNumber))
                FOR UPDATE
                """, logger: logger).first({ try $0.decode((UUID, UUID).self) }) else { return false }
            let active = try await connection.query("""
                SELECT count(*) FROM space_occupancy o
                JOIN spaces s ON s.company_id = o.company_id AND s.id = o.space_id
                WHERE o.company_id = \(company) AND s.venue_id = \(venueUUID)
                  AND upper(o.during) > now() AND (o.expires_at IS NULL OR o.expires_at > now())
                """, logger: logger).count()
            if active > 0 {
                throw APIError.conflict("venue_in_use", "The venue still has current or future bookings or blocks.",
                                        info: ["activeItems": .number(Double(active))])
            }
            try await connection.query("""
                UPDATE spaces SET deleted_at = now(), status = 'archived', updated_at = now()
                WHERE company_id = \(company) AND venue_id = \(venueUUID) AND deleted_at IS NULL
                """, logger: logger)
            try await connection.query("""
                UPDATE venues SET deleted_at = now(), status = 'archived', claimable = false, updated_at = now()
                WHERE company_id = \(company) AND id = \(venueUUID)
                """, logger: logger)
            return true
        }
    }
}

/// `GET /api/v1/venues/{id}`, the hottest tenant read: prepared once per connection (`Database.execute`).
struct VenueByIDStatement: PostgresPreparedStatement {
    static let sql = """
        SELECT \(VenuesRepository.columns) FROM venues v \(VenuesRepository.joinType)
        WHERE v.company_id = $1 AND v.id = $2 AND v.deleted_at IS NULL
        """
    typealias Row = Venue

    let companyID: UUID
    let id: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(companyID)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Venue { try VenuesRepository.decode(row) }
}
