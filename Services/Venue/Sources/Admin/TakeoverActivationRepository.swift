import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Takeover activation: moving an approved sleeping venue to the claiming company, and the reconciliation summary it writes.
extension TakeoverRepository {
    /// Moves an approved sleeping venue to the claiming company: venue, spaces and blocks change
    /// owner (the composite foreign keys cascade the company), the claim completes, an audit entry
    /// and a reconciliation summary are written — one transaction. Nil when the venue does not exist.
    func activate(venueNumber: Int, _ body: ActivateRequest) async throws -> (venueID: UUID, approval: TakeoverApproval, summary: ReconciliationSummary)? {
        let logger = database.logger
        let holding = holdingCompanyID
        return try await database.transaction { connection in
            guard let venue = try await Self.lockVenue(venueNumber, on: connection, logger: logger) else { return nil }
            guard venue.status == "sleeping", venue.companyID == holding else {
                throw APIError.conflict("venue_not_sleeping", "Only sleeping venues of the Kisum holding company can be activated.",
                                        info: ["status": .string(venue.status)])
            }
            // The claim was approved while the venue was claimable; Admin may have withdrawn it from takeover since.
            guard venue.claimable else {
                throw APIError.conflict("venue_not_claimable", "Only claimable sleeping venues of the Kisum holding company can be taken over.",
                                        info: ["status": .string(venue.status), "claimable": .bool(venue.claimable)])
            }
            guard let (approvalID, claimingCompany) = try await connection.query("""
                SELECT id, claiming_company_id FROM takeover_approvals
                WHERE venue_id = \(venue.id) AND status = 'approved' AND (\(body.approvalId)::uuid IS NULL OR id = \(body.approvalId))
                FOR UPDATE
                """, logger: logger).first({ try $0.decode((UUID, UUID).self) }) else {
                throw APIError.conflict("takeover_not_approved", "Activation needs an approved takeover claim for this venue.")
            }

            // Holding-company activity on the venue's spaces would be left behind in the wrong company.
            let (bookings, checklists, events) = try await connection.query("""
                SELECT
                  (SELECT count(*) FROM booking_spaces bs JOIN spaces s ON s.company_id = bs.company_id AND s.id = bs.space_id
                   WHERE s.company_id = \(holding) AND s.venue_id = \(venue.id)),
                  (SELECT count(*) FROM checklists c JOIN spaces s ON s.company_id = c.company_id AND s.id = c.space_id
                   WHERE s.company_id = \(holding) AND s.venue_id = \(venue.id)),
                  (SELECT count(*) FROM venue_events e WHERE e.company_id = \(holding)
                   AND e.space_ids && ARRAY(SELECT id FROM spaces WHERE company_id = \(holding) AND venue_id = \(venue.id)))
                """, logger: logger).first({ try $0.decode((Int, Int, Int).self) })!
            if bookings + checklists + events > 0 {
                throw APIError.conflict("venue_has_activity", "The sleeping venue has bookings, checklists or events under the holding company.",
                                        info: ["bookings": .number(Double(bookings)), "checklists": .number(Double(checklists)),
                                               "events": .number(Double(events))])
            }

            let records = try await Self.countRecords(venueID: venue.id, companyID: holding, on: connection, logger: logger)
            let (legacy, warnings) = try await Self.legacyAndWarnings(venueID: venue.id, liveSpaces: records.liveSpaces,
                                                                       on: connection, logger: logger)

            try await connection.query("""
                UPDATE venues SET company_id = \(claimingCompany), status = 'active', claimable = false, updated_at = now()
                WHERE id = \(venue.id)
                """, logger: logger)
            try await connection.query("""
                UPDATE venue_import_records SET company_id = \(claimingCompany) WHERE venue_id = \(venue.id)
                """, logger: logger)
            let approval = try await connection.query("""
                WITH a AS (
                    UPDATE takeover_approvals SET status = 'completed', completed_at = now(), updated_at = now()
                    WHERE id = \(approvalID) RETURNING *)
                SELECT \(unescaped: Self.approvalColumns) FROM a JOIN venues v ON v.id = a.venue_id
                """, logger: logger).first(Self.decodeApproval)!
            try await Self.audit(connection, logger: logger, companyID: claimingCompany, venueID: venue.id, approvalID: approvalID,
                                 action: "venue_activated", from: "sleeping", to: "active", actor: body.activatedBy,
                                 details: ["fromCompanyId": .uuid(holding), "toCompanyId": .uuid(claimingCompany),
                                           "records": records.json])
            let recordsJSON = try SQLText.json(records.json) ?? "{}"
            let legacyJSON = try SQLText.json(legacy) ?? "{}"
            let warningsJSON = try SQLText.json(.array(warnings.map(JSONValue.string))) ?? "[]"
            let summary = try await connection.query("""
                WITH r AS (
                    INSERT INTO reconciliation_summaries (company_id, venue_id, approval_id, from_company_id, records, legacy, warnings)
                    VALUES (\(claimingCompany), \(venue.id), \(approvalID), \(holding), \(recordsJSON)::jsonb, \(legacyJSON)::jsonb,
                            \(warningsJSON)::jsonb)
                    RETURNING *)
                SELECT r.id, v.venue_id AS venue_number, r.approval_id, r.from_company_id, r.company_id, r.records::text AS records,
                       r.legacy::text AS legacy, r.warnings::text AS warnings, r.created_at
                FROM r JOIN venues v ON v.id = r.venue_id
                """, logger: logger).first(Self.decodeReconciliation)!
            return (venue.id, approval, summary)
        }
    }

    struct RecordCounts {
        var liveSpaces: Int
        var archivedSpaces: Int
        var blocks: Int
        var legacyDocuments: Int

        var json: JSONValue {
            ["venues": 1, "spaces": .number(Double(liveSpaces)), "archivedSpaces": .number(Double(archivedSpaces)),
             "availabilityBlocks": .number(Double(blocks)), "legacyDocuments": .number(Double(legacyDocuments))]
        }
    }

    private static func countRecords(venueID: UUID, companyID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> RecordCounts {
        let (live, archived, blocks, documents) = try await connection.query("""
            SELECT
              (SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND venue_id = \(venueID) AND deleted_at IS NULL),
              (SELECT count(*) FROM spaces WHERE company_id = \(companyID) AND venue_id = \(venueID) AND deleted_at IS NOT NULL),
              (SELECT count(*) FROM availability_blocks b JOIN spaces s ON s.company_id = b.company_id AND s.id = b.space_id
               WHERE s.company_id = \(companyID) AND s.venue_id = \(venueID)),
              (SELECT count(*) FROM venue_import_records WHERE venue_id = \(venueID))
            """, logger: logger).first({ try $0.decode((Int, Int, Int, Int).self) })!
        return RecordCounts(liveSpaces: live, archivedSpaces: archived, blocks: blocks, legacyDocuments: documents)
    }

    /// The legacy identity carried over, and the gaps the new owner should fill.
    private static func legacyAndWarnings(venueID: UUID, liveSpaces: Int, on connection: PostgresConnection, logger: Logger)
        async throws -> (JSONValue, [String])
    {
        let row = try await connection.query("""
            SELECT v.venue_id, v.source_mongo_object_id, v.unique_id, v.venue_type_id, t.source_mongo_object_id AS type_source,
                   v.city, v.country, v.country_id, v.city_id, v.contact_email, v.contact_phone
            FROM venues v LEFT JOIN venue_type t ON t.venue_type_id = v.venue_type_id WHERE v.id = \(venueID)
            """, logger: logger).first { row -> (JSONValue, [String]) in
            let c = Columns(row)
            var legacy: [String: JSONValue] = ["venueId": .number(Double(try c("venue_id", as: Int.self)))]
            if let source = try c("source_mongo_object_id", as: String?.self) { legacy["sourceMongoObjectId"] = .string(source) }
            if let unique = try c("unique_id", as: String?.self) { legacy["uniqueId"] = .string(unique) }
            if let type = try c("venue_type_id", as: Int?.self) { legacy["venueTypeId"] = .number(Double(type)) }
            if let typeSource = try c("type_source", as: String?.self) { legacy["venueTypeSourceId"] = .string(typeSource) }
            var warnings: [String] = []
            if try c("city", as: String?.self) == nil { warnings.append("city is not set") }
            if try c("country", as: String?.self) == nil { warnings.append("country is not set") }
            if try c("country_id", as: UUID?.self) == nil { warnings.append("country_id is not linked to a canonical Market country") }
            if try c("city_id", as: UUID?.self) == nil { warnings.append("city_id is not linked to a canonical Market city") }
            if try c("venue_type_id", as: Int?.self) == nil { warnings.append("venue type is not set") }
            if try c("contact_email", as: String?.self) == nil, try c("contact_phone", as: String?.self) == nil {
                warnings.append("no contact e-mail or phone")
            }
            if liveSpaces == 0 { warnings.append("no spaces: add at least one before taking bookings") }
            return (.object(legacy), warnings)
        }
        return row ?? ([:], [])
    }
}
