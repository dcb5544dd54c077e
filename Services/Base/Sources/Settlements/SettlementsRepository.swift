import Foundation
import KisumDeals
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// The rows a settlement is computed from (the event, its accepted deals) and the stored settlement itself.
struct SettlementsRepository: Sendable {
    let database: Database

    struct EventHeader: Sendable {
        var name: String
        var status: String
        var currency: String
        var capacity: Int?
    }

    struct Deal: Sendable {
        var offerID: UUID
        var artistID: UUID
        var artistName: String
        var offerStatus: String
        var terms: DealTerms
        var potential: DealOutcome?
    }

    func event(companyID: UUID, id: UUID) async throws -> EventHeader? {
        try await database.query("""
            SELECT name, status, currency, capacity FROM events WHERE company_id = \(companyID) AND id = \(id)
            """).first { row in
            let c = Columns(row)
            return EventHeader(name: try c("name"), status: try c("status"), currency: try c("currency"), capacity: try c("capacity"))
        }
    }

    /// The event's accepted and converted offers, in billing order (the headliner first), then by age.
    func deals(companyID: UUID, eventID: UUID) async throws -> [Deal] {
        try await database.query("""
            SELECT o.id, o.artist_id, a.name, o.status, o.deal::text AS deal, o.potential::text AS potential
            FROM offers o
            JOIN artists a ON a.company_id = o.company_id AND a.id = o.artist_id
            LEFT JOIN event_artists ea ON ea.company_id = o.company_id AND ea.event_id = o.event_id AND ea.artist_id = o.artist_id
            WHERE o.company_id = \(companyID) AND o.event_id = \(eventID) AND o.status IN ('accepted', 'converted')
            ORDER BY ea.billing_order NULLS LAST, o.created_at, o.id
            """).collect { row in
            let c = Columns(row)
            let potential: String = try c("potential")
            return Deal(offerID: try c("id"), artistID: try c("artist_id"), artistName: try c("name"), offerStatus: try c("status"),
                        terms: try JSONCoding.decoder.decode(DealTerms.self, from: Data(try c("deal", as: String.self).utf8)),
                        // A potential stored before the engine's outcome shape changed is shown as unknown, not refused.
                        potential: try? JSONCoding.decoder.decode(DealOutcome.self, from: Data(potential.utf8)))
        }
    }

    func stored(companyID: UUID, eventID: UUID) async throws -> EventSettlement? {
        try await database.query("""
            SELECT s.status, s.currency, s.tiers::text AS tiers, s.lines::text AS lines, s.expenses::text AS expenses, s.notes, s.settled_by, s.settled_at,
                   s.signed_at, s.version,
                   (SELECT i.id FROM approval_items i WHERE i.company_id = s.company_id AND i.source_type = 'settlement'
                      AND i.source_id = s.event_id AND i.status = 'pending') AS approval_id
            FROM event_settlements s WHERE s.company_id = \(companyID) AND s.event_id = \(eventID)
            """).first { row in
            let c = Columns(row)
            let tiers = try JSONCoding.decoder.decode([TicketTier].self, from: Data(try c("tiers", as: String.self).utf8))
            let lines = try JSONCoding.decoder.decode([SettlementLine].self, from: Data(try c("lines", as: String.self).utf8))
            let expenses = try c("expenses", as: String?.self).map { try JSONCoding.decoder.decode(EventExpenses.self, from: Data($0.utf8)) }
            return EventSettlement(eventId: eventID, status: try c("status"), currency: try c("currency"), tiers: tiers, lines: lines,
                                   totals: try SettlementTotals.of(lines, tiers: tiers, expenses: expenses), expenses: expenses, notes: try c("notes"),
                                   settledBy: try c("settled_by"), settledAt: try c("settled_at"), signedAt: try c("signed_at"),
                                   approvalId: try c("approval_id"), version: try c("version"))
        }
    }

    enum SaveOutcome: Sendable {
        case saved(EventSettlement)
        case eventNotFound
        case notSettleable(status: String)
        case alreadyStored(status: String)
    }

    /// Stores the settlement under the event's row lock: signed at once (and the event `settled`), or waiting in
    /// the approval queue when the artists' payout reaches the company's settlement threshold in its currency.
    func save(companyID: UUID, userID: UUID, eventID: UUID, _ settlement: EventSettlement) async throws -> SaveOutcome {
        let tiers = String(decoding: try JSONCoding.encoder.encode(settlement.tiers), as: UTF8.self)
        let lines = String(decoding: try JSONCoding.encoder.encode(settlement.lines), as: UTF8.self)
        let expenses = try settlement.expenses.map { String(decoding: try JSONCoding.encoder.encode($0), as: UTF8.self) }
        let totals = settlement.totals
        let logger = database.logger
        return try await database.transaction { connection -> SaveOutcome in
            guard let event = try await connection.query("""
                SELECT name, status FROM events WHERE company_id = \(companyID) AND id = \(eventID) FOR UPDATE
                """, logger: logger).first({ row -> (name: String, status: String) in
                let c = Columns(row)
                return (try c("name"), try c("status"))
            }) else {
                return .eventNotFound
            }
            if let existing = try await connection.query("""
                SELECT status FROM event_settlements WHERE company_id = \(companyID) AND event_id = \(eventID)
                """, logger: logger).first({ try $0.decode(String.self, context: .default) }) {
                return .alreadyStored(status: existing)
            }
            guard SettlementRules.settleable.contains(event.status) else { return .notSettleable(status: event.status) }
            let threshold = try await connection.query("""
                SELECT threshold_minor FROM approval_thresholds
                WHERE company_id = \(companyID) AND source_type = 'settlement' AND currency = \(settlement.currency)
                """, logger: logger).first { try $0.decode(Int64.self, context: .default) }
            let needsApproval = threshold.map { totals.artistPayoutMinor >= $0 } ?? false
            let newStatus = needsApproval ? "pending_approval" : "signed"
            try await connection.query("""
                INSERT INTO event_settlements (company_id, event_id, status, currency, tiers, lines, expenses, gross_minor, artist_payout_minor,
                                               promoter_result_minor, notes, settled_by, signed_at)
                VALUES (\(companyID), \(eventID), \(newStatus), \(settlement.currency), \(tiers)::jsonb, \(lines)::jsonb, \(expenses)::jsonb,
                        \(totals.grossMinor), \(totals.artistPayoutMinor), \(totals.promoterResultMinor), \(settlement.notes), \(userID),
                        CASE WHEN \(newStatus) = 'signed' THEN clock_timestamp() END)
                """, logger: logger)
            if needsApproval {
                try await connection.query("""
                    INSERT INTO approval_items (company_id, source_type, source_id, title, amount_minor, currency, requested_by)
                    VALUES (\(companyID), 'settlement', \(eventID), \("Settlement of " + event.name), \(totals.artistPayoutMinor),
                            \(settlement.currency), \(userID))
                    """, logger: logger)
            } else {
                try await connection.query("""
                    UPDATE events SET status = 'settled', version = version + 1, updated_at = clock_timestamp()
                    WHERE company_id = \(companyID) AND id = \(eventID)
                    """, logger: logger)
            }
            return .saved(settlement)
        }
    }

    /// The approval queue's decision on a settlement, inside its transaction: approved signs it and settles the
    /// event; rejected or cancelled drops it, so the event can be settled again with other figures. 409
    /// `source_not_pending` when no settlement waits (it cannot happen while the item is pending, but the
    /// database, not this code, is the judge).
    static func decide(_ connection: PostgresConnection, companyID: UUID, eventID: UUID, approved: Bool, _ logger: Logger) async throws {
        let moved: Bool
        if approved {
            moved = try await connection.query("""
                WITH s AS (
                    UPDATE event_settlements SET status = 'signed', signed_at = clock_timestamp(), version = version + 1
                    WHERE company_id = \(companyID) AND event_id = \(eventID) AND status = 'pending_approval'
                    RETURNING event_id)
                UPDATE events e SET status = 'settled', version = e.version + 1, updated_at = clock_timestamp()
                FROM s WHERE e.company_id = \(companyID) AND e.id = s.event_id
                RETURNING e.id
                """, logger: logger).first { _ in true } ?? false
        } else {
            moved = try await connection.query("""
                DELETE FROM event_settlements
                WHERE company_id = \(companyID) AND event_id = \(eventID) AND status = 'pending_approval'
                RETURNING event_id
                """, logger: logger).first { _ in true } ?? false
        }
        guard moved else {
            throw APIError.conflict("source_not_pending", "No settlement of this event waits for approval.", info: ["eventId": .uuid(eventID)])
        }
    }
}
