import Foundation
import KisumDeals
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Every change of an existing offer: edits, the state machine's moves, conversion into an event, deletion.
/// Each runs in one transaction that locks the offer, compares the version the caller read (409
/// `version_conflict` when another write came first), asks `OfferStatus` for the move, writes the offer with
/// `… WHERE version = $expected` (so the database has the last word) and the revision the change produced.
struct OfferChangesRepository: Sendable {
    let database: Database

    /// What a change does to the locked offer: its new fields and status, after any side effects it ran on
    /// the connection (an approval item, an event).
    struct Outcome: Sendable {
        var fields: OfferFields
        var status: OfferStatus
        var action: String
        var extra: [String: JSONValue] = [:]
    }

    /// Locks the offer, checks the version, applies `body`, writes the offer and its revision. Nil when the
    /// company has no such offer.
    func change(companyID: UUID, id: UUID, userID: UUID, expectedVersion: Int,
                _ body: @escaping @Sendable (PostgresConnection, Offer, Logger) async throws -> Outcome) async throws -> Offer? {
        try await changeReturning(companyID: companyID, id: id, userID: userID, expectedVersion: expectedVersion) { connection, offer, logger in
            (try await body(connection, offer, logger), ())
        }?.offer
    }

    /// `change` whose body also answers a value of its own (the event a conversion made).
    func changeReturning<R: Sendable>(companyID: UUID, id: UUID, userID: UUID, expectedVersion: Int,
                                      _ body: @escaping @Sendable (PostgresConnection, Offer, Logger) async throws -> (Outcome, R))
        async throws -> (offer: Offer, result: R)? {
        let logger = database.logger
        return try await OffersRepository.constraints.map {
            try await database.transaction { connection -> (offer: Offer, result: R)? in
                guard let current = try await OffersRepository.read(connection, companyID: companyID, id: id, lock: true, logger) else { return nil }
                guard current.version == expectedVersion else { throw Self.conflict(expectedVersion, current: current.version) }
                let (outcome, result) = try await body(connection, current, logger)
                try await Self.write(connection, companyID: companyID, id: id, userID: userID, expectedVersion: expectedVersion, outcome, logger)
                guard let offer = try await OffersRepository.read(connection, companyID: companyID, id: id, logger) else { return nil }
                return (offer, result)
            }
        }
    }

    static func conflict(_ expected: Int, current: Int) -> APIError {
        APIError.conflict("version_conflict", "The offer was changed since version \(expected) was read.",
                          info: ["currentVersion": .number(Double(current))])
    }

    /// The one UPDATE of an offer, guarded by the version; then its revision.
    static func write(_ connection: PostgresConnection, companyID: UUID, id: UUID, userID: UUID, expectedVersion: Int, _ o: Outcome,
                      _ logger: Logger) async throws {
        let f = o.fields
        let deal = try OffersRepository.jsonText(f.deal)
        let scenario = try OffersRepository.jsonText(f.scenario)
        let potential = try OffersRepository.jsonText(f.potential)
        let status = o.status.rawValue
        guard let version = try await connection.query("""
            UPDATE offers SET artist_id = \(f.artistId), event_id = \(f.eventId), status = \(status), event_date = \(f.eventDate)::date,
                venue_id = \(f.venueId), venue_name = \(f.venueName), city = \(f.city), currency = \(f.currency), deal = \(deal)::jsonb,
                scenario = \(scenario)::jsonb, potential = \(potential)::jsonb, guarantee_minor = \(f.deal.guaranteeMinor),
                expires_on = \(f.expiresOn)::date, notes = \(f.notes),
                sent_at = CASE WHEN \(status) = 'sent' AND status <> 'sent' THEN clock_timestamp() ELSE sent_at END,
                decided_at = CASE WHEN \(status) IN ('accepted', 'rejected') THEN clock_timestamp() ELSE decided_at END,
                version = version + 1, updated_at = clock_timestamp()
            WHERE company_id = \(companyID) AND id = \(id) AND version = \(expectedVersion)
            RETURNING version
            """, logger: logger).first({ try $0.decode(Int.self) }) else {
            throw conflict(expectedVersion, current: expectedVersion + 1)
        }
        try await revise(connection, companyID: companyID, offerID: id, version: version, action: o.action, userID: userID, extra: o.extra,
                         logger)
    }

    /// The revision of `version`: the offer as it now stands (its snapshot) and, field by field, what differs
    /// from the previous revision's snapshot (the computed potential and the version itself are left out of
    /// `changes`; they follow from the rest). Computed in SQL from the row just written, so amounts stay exact.
    static func revise(_ connection: PostgresConnection, companyID: UUID, offerID: UUID, version: Int, action: String, userID: UUID,
                       extra: [String: JSONValue], _ logger: Logger) async throws {
        let extraText = try OffersRepository.jsonText(JSONValue.object(extra))
        try await connection.query("""
            WITH s AS (
                SELECT jsonb_build_object('artistId', o.artist_id, 'eventId', o.event_id, 'status', o.status, 'eventDate', o.event_date,
                           'venueId', o.venue_id, 'venueName', o.venue_name, 'city', o.city, 'currency', o.currency, 'deal', o.deal,
                           'scenario', o.scenario, 'potential', o.potential, 'guaranteeMinor', o.guarantee_minor,
                           'expiresOn', o.expires_on, 'notes', o.notes, 'version', o.version) AS snap
                FROM offers o WHERE o.company_id = \(companyID) AND o.id = \(offerID)),
            p AS (
                SELECT snapshot FROM offer_revisions
                WHERE company_id = \(companyID) AND offer_id = \(offerID) AND version = \(version) - 1)
            INSERT INTO offer_revisions (company_id, offer_id, version, action, changed_by, changes, snapshot)
            SELECT \(companyID), \(offerID), \(version), \(action), \(userID),
                   COALESCE((SELECT jsonb_object_agg(n.key, jsonb_build_object('from', COALESCE(b.value, 'null'::jsonb), 'to', n.value))
                             FROM jsonb_each(s.snap) n LEFT JOIN jsonb_each((SELECT snapshot FROM p)) b ON b.key = n.key
                             WHERE n.key NOT IN ('potential', 'version') AND b.value IS DISTINCT FROM n.value), '{}'::jsonb)
                   || \(extraText)::jsonb,
                   s.snap
            FROM s
            """, logger: logger)
    }

    // MARK: Moves with side effects

    /// send: to pending_approval when the guarantee reaches the company's offer threshold in the offer's
    /// currency (then a pending approval item is queued in the same transaction), else to sent.
    static func send(_ connection: PostgresConnection, companyID: UUID, userID: UUID, offer: Offer, note: String?,
                     _ logger: Logger) async throws -> Outcome {
        let current = try status(offer)
        let threshold = try await connection.query("""
            SELECT threshold_minor FROM approval_thresholds
            WHERE company_id = \(companyID) AND source_type = 'offer' AND currency = \(offer.currency)
            """, logger: logger).first { try $0.decode(Int64.self) }
        let needsApproval = threshold.map { offer.guaranteeMinor >= $0 } ?? false
        let target = try current.apply(.send, needsApproval: needsApproval)
        if needsApproval {
            let title = Self.scalars("Offer: \(offer.artistName) on \(offer.eventDate)", 300)
            try await connection.query("""
                INSERT INTO approval_items (company_id, source_type, source_id, title, amount_minor, currency, requested_by)
                VALUES (\(companyID), 'offer', \(offer.id), \(title), \(offer.guaranteeMinor), \(offer.currency), \(userID))
                ON CONFLICT (company_id, source_type, source_id) WHERE status = 'pending' DO NOTHING
                """, logger: logger)
        }
        return Outcome(fields: OfferFields(offer), status: target, action: target.rawValue, extra: noteChange(note))
    }

    /// cancel also withdraws a pending approval request of the offer.
    static func cancel(_ connection: PostgresConnection, companyID: UUID, userID: UUID, offer: Offer, note: String?,
                       _ logger: Logger) async throws -> Outcome {
        let target = try status(offer).apply(.cancel)
        try await connection.query("""
            UPDATE approval_items SET status = 'cancelled', decided_by = \(userID), decided_at = clock_timestamp()
            WHERE company_id = \(companyID) AND source_type = 'offer' AND source_id = \(offer.id) AND status = 'pending'
            """, logger: logger)
        return Outcome(fields: OfferFields(offer), status: target, action: target.rawValue, extra: noteChange(note))
    }

    /// convert-to-event: a confirmed event from the offer (or the offer's existing event) with the artist as
    /// headliner; the offer points at it.
    static func convert(_ connection: PostgresConnection, companyID: UUID, userID: UUID, offer: Offer, name: String?,
                        _ logger: Logger) async throws -> (Outcome, eventID: UUID, created: Bool) {
        let target = try status(offer).apply(.convert)
        var fields = OfferFields(offer)
        let created = offer.eventId == nil
        let eventID: UUID
        if let existing = offer.eventId {
            eventID = existing
        } else {
            let eventName = Self.scalars(name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "\(offer.artistName) – \(offer.eventDate)", 200)
            guard let id = try await connection.query("""
                INSERT INTO events (company_id, name, status, event_date, venue_id, venue_name, city, capacity, currency, created_by)
                VALUES (\(companyID), \(eventName), 'confirmed', \(offer.eventDate)::date, \(offer.venueId), \(offer.venueName), \(offer.city),
                        \(offer.scenario.capacity), \(offer.currency), \(userID))
                RETURNING id
                """, logger: logger).first({ try $0.decode(UUID.self) }) else { throw APIError.internalError }
            eventID = id
        }
        try await connection.query("""
            INSERT INTO event_artists (company_id, event_id, artist_id, role, billing_order, added_by)
            VALUES (\(companyID), \(eventID), \(offer.artistId), 'headliner', 1, \(userID))
            ON CONFLICT (company_id, event_id, artist_id) DO NOTHING
            """, logger: logger)
        fields.eventId = eventID
        return (Outcome(fields: fields, status: target, action: target.rawValue, extra: ["eventCreated": .bool(created)]), eventID, created)
    }

    /// The approval queue's decision on an offer's request, inside the queue's own transaction (h-ops'
    /// Approval routes call it): approved → sent, rejected or cancelled → back to draft. Writes the offer
    /// (version + 1) and its revision; false when the company has no such offer. The offer's status must be
    /// pending_approval (else 409 `invalid_transition`).
    static func decideApproval(_ connection: PostgresConnection, companyID: UUID, offerID: UUID, userID: UUID, approved: Bool,
                               _ logger: Logger) async throws -> Bool {
        guard let offer = try await OffersRepository.read(connection, companyID: companyID, id: offerID, lock: true, logger) else { return false }
        let action: OfferAction = approved ? .approve : .approvalDenied
        let target = try status(offer).apply(action)
        try await write(connection, companyID: companyID, id: offerID, userID: userID, expectedVersion: offer.version,
                        Outcome(fields: OfferFields(offer), status: target, action: action.rawValue), logger)
        return true
    }

    /// Deletes an offer in a deletable state (draft, cancelled, rejected) at the expected version; nil when the
    /// company has no such offer.
    func delete(companyID: UUID, id: UUID, expectedVersion: Int) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection -> Bool in
            guard let current = try await OffersRepository.read(connection, companyID: companyID, id: id, lock: true, logger) else { return false }
            guard current.version == expectedVersion else { throw Self.conflict(expectedVersion, current: current.version) }
            let status = try Self.status(current)
            guard status.isDeletable else {
                throw APIError.conflict("offer_not_deletable", "A \(status.rawValue) offer is kept for the record; cancel it instead.",
                                        info: ["status": .string(status.rawValue), "allowed": ["draft", "cancelled", "rejected"]])
            }
            try await connection.query("""
                DELETE FROM offers WHERE company_id = \(companyID) AND id = \(id) AND version = \(expectedVersion)
                """, logger: logger)
            return true
        }
    }

    static func status(_ offer: Offer) throws -> OfferStatus {
        guard let status = OfferStatus(rawValue: offer.status) else { throw APIError.internalError }
        return status
    }

    /// At most `limit` code points, as the database's length() counts them.
    static func scalars(_ text: String, _ limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))
    }

    static func noteChange(_ note: String?) -> [String: JSONValue] {
        guard let note = OfferRules.trimmed(note), !note.isEmpty else { return [:] }
        return ["note": ["from": .null, "to": .string(note)]]
    }
}
