import Foundation
import KisumDeals
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// Offers and their revisions. Every write runs in one transaction that also writes the revision it produced
/// (`OfferChangesRepository.revise`); changes of an existing offer lock its row and compare the version first.
struct OffersRepository: Sendable {
    let database: Database

    static let columns = """
        o.id, o.artist_id, ar.name AS artist_name, o.event_id, o.status, o.event_date::text AS event_date, o.venue_id, o.venue_name,
        o.city, o.currency::text AS currency, o.deal::text AS deal, o.scenario::text AS scenario, o.potential::text AS potential,
        o.guarantee_minor, o.expires_on::text AS expires_on, o.notes, o.sent_at, o.decided_at, o.version, o.created_by,
        o.created_at, o.updated_at
        """
    static let joins = "JOIN artists ar ON ar.company_id = o.company_id AND ar.id = o.artist_id"

    static let constraints = ConstraintMessages([
        "offers_artist_fk": .validation(field: "artistId", code: "not_found", message: "No artist with this id in this company."),
        "offers_event_fk": .validation(field: "eventId", code: "not_found", message: "No event with this id in this company."),
        "offers_guarantee_check": .validation(field: "deal.guaranteeMinor", code: "out_of_range", message: "The guarantee is out of range."),
    ])

    static func decode(_ row: PostgresRow) throws -> Offer {
        let c = Columns(row)
        let status: String = try c("status")
        return Offer(
            id: try c("id"), artistId: try c("artist_id"), artistName: try c("artist_name"), eventId: try c("event_id"), status: status,
            nextStatuses: (OfferStatus(rawValue: status)?.next ?? []).map(\.rawValue), eventDate: try c("event_date"),
            venueId: try c("venue_id"), venueName: try c("venue_name"), city: try c("city"), currency: try c("currency"),
            deal: try json(c("deal"), DealTerms.self), scenario: try json(c("scenario"), OfferScenario.self),
            potential: try json(c("potential"), DealOutcome.self), guaranteeMinor: try c("guarantee_minor"), expiresOn: try c("expires_on"),
            notes: try c("notes"), sentAt: try c("sent_at"), decidedAt: try c("decided_at"), version: try c("version"),
            createdBy: try c("created_by"), createdAt: try c("created_at"), updatedAt: try c("updated_at"))
    }

    static func json<T: Decodable>(_ text: String, _ type: T.Type) throws -> T {
        try JSONCoding.decoder.decode(T.self, from: Data(text.utf8))
    }

    static func jsonText(_ value: some Encodable) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }

    // MARK: Reads

    func list(companyID: UUID, _ f: OfferFilter, sort: String?, page: PageRequest) async throws -> (items: [Offer], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM offers o \(unescaped: Self.joins)
            WHERE o.company_id = \(companyID)
              AND (\(f.status)::text IS NULL OR o.status = \(f.status))
              AND (\(f.artistID)::uuid IS NULL OR o.artist_id = \(f.artistID))
              AND (\(f.eventID)::uuid IS NULL OR o.event_id = \(f.eventID))
              AND (\(f.from)::date IS NULL OR o.event_date >= \(f.from)::date)
              AND (\(f.to)::date IS NULL OR o.event_date <= \(f.to)::date)
              AND (\(f.currency)::text IS NULL OR o.currency = \(f.currency))
              AND (\(pattern)::text IS NULL OR ar.name ILIKE \(pattern)
                   OR (\(f.searchesVenue)::boolean AND (o.venue_name ILIKE \(pattern) OR o.city ILIKE \(pattern))))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: OfferSort.orderBy(sort), page: page, decode: Self.decode)
    }

    func get(companyID: UUID, id: UUID) async throws -> Offer? {
        try await database.query("""
            SELECT \(unescaped: Self.columns) FROM offers o \(unescaped: Self.joins) WHERE o.company_id = \(companyID) AND o.id = \(id)
            """).first(Self.decode)
    }

    func artistExists(companyID: UUID, id: UUID) async throws -> Bool {
        try await database.query("SELECT 1 FROM artists WHERE company_id = \(companyID) AND id = \(id)").first { _ in true } ?? false
    }

    /// Oldest first; nil when the company has no such offer.
    func revisions(companyID: UUID, id: UUID, page: PageRequest) async throws -> (items: [OfferRevision], total: Int)? {
        let result = try await database.page({ select, suffix in
            """
            SELECT \(unescaped: select) FROM offer_revisions r WHERE r.company_id = \(companyID) AND r.offer_id = \(id) \(unescaped: suffix)
            """
        }, columns: "r.offer_id, r.version, r.action, r.changed_by, r.changed_at, r.changes::text AS changes, r.snapshot::text AS snapshot",
           orderBy: "ORDER BY r.version", page: page) { row in
            let c = Columns(row)
            return OfferRevision(offerId: try c("offer_id"), version: try c("version"), action: try c("action"), changedBy: try c("changed_by"),
                                 changedAt: try c("changed_at"), changes: try c.json("changes"), snapshot: try c.json("snapshot"))
        }
        // Every offer has its creation revision, so an empty first page means no such offer.
        if result.total == 0, try await get(companyID: companyID, id: id) == nil { return nil }
        return result
    }

    // MARK: Creation

    /// A new draft at version 1 with its "created" revision.
    func create(companyID: UUID, userID: UUID, _ fields: OfferFields) async throws -> Offer {
        try await insert(companyID: companyID, userID: userID, fields, action: "created", extra: [:])
    }

    /// A new draft with the terms of `id` (version 1, revision "duplicated" naming the source); nil when the
    /// company has no such offer. An offer for an existing event stays for it; a converted offer's event was its own.
    func duplicate(companyID: UUID, userID: UUID, id: UUID) async throws -> Offer? {
        guard let source = try await get(companyID: companyID, id: id) else { return nil }
        var fields = OfferFields(source)
        if source.status == OfferStatus.converted.rawValue { fields.eventId = nil }
        return try await insert(companyID: companyID, userID: userID, fields, action: "duplicated",
                                extra: ["duplicatedFrom": ["from": .null, "to": .uuid(id)]])
    }

    private func insert(companyID: UUID, userID: UUID, _ f: OfferFields, action: String, extra: [String: JSONValue]) async throws -> Offer {
        let logger = database.logger
        let deal = try Self.jsonText(f.deal)
        let scenario = try Self.jsonText(f.scenario)
        let potential = try Self.jsonText(f.potential)
        let created = try await Self.constraints.map {
            try await database.transaction { connection -> Offer? in
                guard let id = try await connection.query("""
                    INSERT INTO offers (company_id, artist_id, event_id, status, event_date, venue_id, venue_name, city, currency, deal, scenario,
                                        potential, guarantee_minor, expires_on, notes, version, created_by)
                    VALUES (\(companyID), \(f.artistId), \(f.eventId), 'draft', \(f.eventDate)::date, \(f.venueId), \(f.venueName), \(f.city),
                            \(f.currency), \(deal)::jsonb, \(scenario)::jsonb, \(potential)::jsonb, \(f.deal.guaranteeMinor),
                            \(f.expiresOn)::date, \(f.notes), 1, \(userID))
                    RETURNING id
                    """, logger: logger).first({ try $0.decode(UUID.self) }) else { return nil }
                try await OfferChangesRepository.revise(connection, companyID: companyID, offerID: id, version: 1, action: action,
                                                        userID: userID, extra: extra, logger)
                return try await Self.read(connection, companyID: companyID, id: id, logger)
            }
        }
        guard let created else { throw APIError.internalError }
        return created
    }

    static func read(_ connection: PostgresConnection, companyID: UUID, id: UUID, lock: Bool = false, _ logger: Logger) async throws -> Offer? {
        try await connection.query("""
            SELECT \(unescaped: Self.columns) FROM offers o \(unescaped: Self.joins) WHERE o.company_id = \(companyID) AND o.id = \(id)
            \(unescaped: lock ? "FOR UPDATE OF o" : "")
            """, logger: logger).first(Self.decode)
    }
}
