import Foundation
import KisumPersistence
import Logging
import PostgresNIO

/// The import's SQL: upserting venue types, venues and their rooms, and recording the legacy documents.
extension SleepingVenueImporter {
    // MARK: Venue types

    func importType(_ type: LegacyVenueType, into report: inout ImportReport) async throws {
        let logger = database.logger
        let checksum = try Self.checksum(type.document)
        let document = try SQLText.json(type.document) ?? "{}"
        let holding = holdingCompanyID
        let outcome: String = try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("venue-import:venues_type:" + type.sourceID)))", logger: logger)
            let previous = try await connection.query("""
                SELECT checksum FROM venue_import_records WHERE collection = 'venues_type' AND source_id = \(type.sourceID)
                """, logger: logger).first { try $0.decode(String.self) }
            if previous == checksum { return "unchanged" }
            let (typeID, inserted) = try await connection.query("""
                INSERT INTO venue_type (venue_type_id, source_mongo_object_id, name, slug, description)
                VALUES (COALESCE(\(type.legacyTypeID)::integer, nextval(pg_get_serial_sequence('venue_type', 'venue_type_id'))::integer),
                        \(type.sourceID), \(type.name), \(type.slug), \(type.description))
                ON CONFLICT (source_mongo_object_id) DO UPDATE
                    SET name = EXCLUDED.name, slug = EXCLUDED.slug, description = EXCLUDED.description, updated_at = now()
                RETURNING venue_type_id, (xmax = 0) AS inserted
                """, logger: logger).first({ try $0.decode((Int, Bool).self) })!
            if type.legacyTypeID != nil {
                // Explicit legacy ids bypass the identity; keep it ahead of them.
                try await Self.keepIdentityAhead(table: "venue_type", column: "venue_type_id", on: connection, logger: logger)
            }
            try await Self.recordDocument(connection, logger: logger, companyID: holding, collection: "venues_type", sourceID: type.sourceID,
                                          venueID: nil, venueTypeID: typeID, document: document, checksum: checksum)
            return inserted ? "inserted" : "updated"
        }
        Self.count(outcome, in: &report.venueTypes)
    }

    // MARK: Venues

    func importVenue(_ venue: LegacyVenue, into report: inout ImportReport) async throws {
        let logger = database.logger
        let checksum = try Self.checksum(venue.document)
        let document = try SQLText.json(venue.document) ?? "{}"
        let holding = holdingCompanyID
        let hours = try SQLText.json(venue.operatingHours) ?? "{}"
        let (outcome, spaces): (String, ImportReport.Counts) = try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("venue-import:venues:" + venue.sourceID)))", logger: logger)
            let typeID = try await resolveType(venue, on: connection, logger: logger)
            let existing = try await connection.query("""
                SELECT v.company_id, v.status, r.checksum FROM venues v
                LEFT JOIN venue_import_records r ON r.collection = 'venues' AND r.source_id = v.source_mongo_object_id
                WHERE v.source_mongo_object_id = \(venue.sourceID)
                FOR UPDATE OF v
                """, logger: logger).first { try $0.decode((UUID, String, String?).self) }
            if let existing {
                if existing.0 != holding || existing.1 != "sleeping" { return ("skipped", ImportReport.Counts()) }
                if existing.2 == checksum { return ("unchanged", ImportReport.Counts()) }
            }
            if let number = venue.legacyVenueID, let owner = try await connection.query("""
                SELECT source_mongo_object_id FROM venues WHERE venue_id = \(number)
                """, logger: logger).first({ try $0.decode(String?.self) }), owner != venue.sourceID {
                throw ImportRejection(line: venue.line, collection: "venues", sourceId: venue.sourceID,
                                      reason: "venue_id \(number) already belongs to another venue")
            }
            let (venueID, inserted) = try await connection.query("""
                INSERT INTO venues (company_id, venue_id, source_mongo_object_id, unique_id, name, description, status, claimable,
                    venue_type_id, country, city, country_iso2, address_line1, address_line2, postal_code, region, latitude, longitude,
                    timezone, capacity, contact_name, contact_email, contact_phone, website, operating_hours)
                VALUES (\(holding), COALESCE(\(venue.legacyVenueID)::bigint, nextval(pg_get_serial_sequence('venues', 'venue_id'))),
                    \(venue.sourceID), \(venue.uniqueID), \(venue.name), \(venue.description), 'sleeping', true, \(typeID),
                    \(venue.country), \(venue.city), \(venue.countryIso2), \(venue.addressLine1), \(venue.addressLine2),
                    \(venue.postalCode), \(venue.region), \(venue.latitude), \(venue.longitude), \(venue.timezone), \(venue.capacity),
                    \(venue.contactName), \(venue.contactEmail), \(venue.contactPhone), \(venue.website), \(hours)::jsonb)
                ON CONFLICT (source_mongo_object_id) DO UPDATE SET
                    unique_id = EXCLUDED.unique_id, name = EXCLUDED.name, description = EXCLUDED.description,
                    venue_type_id = EXCLUDED.venue_type_id, country = EXCLUDED.country, city = EXCLUDED.city,
                    country_iso2 = EXCLUDED.country_iso2, address_line1 = EXCLUDED.address_line1,
                    address_line2 = EXCLUDED.address_line2, postal_code = EXCLUDED.postal_code, region = EXCLUDED.region,
                    latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude, timezone = EXCLUDED.timezone,
                    capacity = EXCLUDED.capacity, contact_name = EXCLUDED.contact_name, contact_email = EXCLUDED.contact_email,
                    contact_phone = EXCLUDED.contact_phone, website = EXCLUDED.website, operating_hours = EXCLUDED.operating_hours,
                    updated_at = now()
                RETURNING id, (xmax = 0) AS inserted
                """, logger: logger).first({ try $0.decode((UUID, Bool).self) })!
            if venue.legacyVenueID != nil {
                try await Self.keepIdentityAhead(table: "venues", column: "venue_id", on: connection, logger: logger)
            }
            let spaces = try await Self.syncRooms(venue.rooms, venueID: venueID, companyID: holding, on: connection, logger: logger)
            try await Self.recordDocument(connection, logger: logger, companyID: holding, collection: "venues", sourceID: venue.sourceID,
                                          venueID: venueID, venueTypeID: nil, document: document, checksum: checksum)
            return (inserted ? "inserted" : "updated", spaces)
        }
        Self.count(outcome, in: &report.venues)
        report.spaces.inserted += spaces.inserted
        report.spaces.updated += spaces.updated
    }

    /// The catalog id a venue refers to, by the type's ObjectId or its legacy numeric id.
    private func resolveType(_ venue: LegacyVenue, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        if let source = venue.typeSourceID {
            guard let id = try await connection.query("""
                SELECT venue_type_id FROM venue_type WHERE source_mongo_object_id = \(source)
                """, logger: logger).first({ try $0.decode(Int.self) }) else {
                throw ImportRejection(line: venue.line, collection: "venues", sourceId: venue.sourceID, reason: "unknown venue type \(source)")
            }
            return id
        }
        if let legacy = venue.legacyTypeID {
            guard try await connection.query("SELECT count(*) FROM venue_type WHERE venue_type_id = \(legacy)", logger: logger).count() == 1 else {
                throw ImportRejection(line: venue.line, collection: "venues", sourceId: venue.sourceID, reason: "unknown venue type id \(legacy)")
            }
            return legacy
        }
        return nil
    }

    /// Upserts the legacy rooms as spaces (keyed on the room's legacy key) and archives spaces whose
    /// room disappeared from the export.
    private static func syncRooms(_ rooms: [LegacyVenue.Room], venueID: UUID, companyID: UUID,
                                  on connection: PostgresConnection, logger: Logger) async throws -> ImportReport.Counts {
        var counts = ImportReport.Counts()
        for room in rooms {
            let inserted = try await connection.query("""
                INSERT INTO spaces (company_id, venue_id, name, kind, capacity, source_key)
                VALUES (\(companyID), \(venueID), \(room.name), \(room.kind), \(room.capacity), \(room.key))
                ON CONFLICT ON CONSTRAINT spaces_source_key_key DO UPDATE
                    SET name = EXCLUDED.name, kind = EXCLUDED.kind, capacity = EXCLUDED.capacity,
                        status = 'active', deleted_at = NULL, updated_at = now()
                RETURNING (xmax = 0)
                """, logger: logger).first({ try $0.decode(Bool.self) })!
            if inserted { counts.inserted += 1 } else { counts.updated += 1 }
        }
        try await connection.query("""
            UPDATE spaces SET deleted_at = now(), status = 'archived', updated_at = now()
            WHERE company_id = \(companyID) AND venue_id = \(venueID) AND source_key IS NOT NULL
              AND deleted_at IS NULL AND NOT (source_key = ANY(\(rooms.map(\.key))))
            """, logger: logger)
        return counts
    }

    /// Explicit legacy ids bypass the identity sequence; move it past them so the next generated id
    /// cannot collide. Never moves it backwards (native venue ids stay from 1,000,000 up).
    private static func keepIdentityAhead(table: String, column: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            SELECT setval(s.seq, m.max_id)
            FROM (SELECT pg_get_serial_sequence(\(table), \(column))::regclass AS seq) s,
                 LATERAL (SELECT max(\(unescaped: column)) AS max_id FROM \(unescaped: table)) m
            WHERE m.max_id >= COALESCE(pg_sequence_last_value(s.seq) + 1,
                                       (SELECT seqstart FROM pg_sequence WHERE seqrelid = s.seq))
            """, logger: logger)
    }

    private static func recordDocument(
        _ connection: PostgresConnection, logger: Logger, companyID: UUID, collection: String, sourceID: String,
        venueID: UUID?, venueTypeID: Int?, document: String, checksum: String
    ) async throws {
        try await connection.query("""
            INSERT INTO venue_import_records (company_id, collection, source_id, venue_id, venue_type_id, document, checksum)
            VALUES (\(companyID), \(collection), \(sourceID), \(venueID), \(venueTypeID), \(document)::jsonb, \(checksum))
            ON CONFLICT ON CONSTRAINT venue_import_records_source_key DO UPDATE
                SET venue_id = EXCLUDED.venue_id, venue_type_id = EXCLUDED.venue_type_id, document = EXCLUDED.document,
                    checksum = EXCLUDED.checksum, last_imported_at = now()
            """, logger: logger)
    }

    private static func count(_ outcome: String, in counts: inout ImportReport.Counts) {
        switch outcome {
        case "inserted": counts.inserted += 1
        case "updated": counts.updated += 1
        case "skipped": counts.skipped += 1
        default: counts.unchanged += 1
        }
    }
}
