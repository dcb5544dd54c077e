import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Customer overlays (`Migrations/venue/0005_customer_overlays.sql`). A party's current overlay is its newest
/// (highest `seq`); the older ones are its history.
struct CustomersRepository: Sendable {
    let database: Database

    static let columns = """
        o.id, o.party_id, o.party_kind, o.display_name, o.notes, o.risk, o.preferences::text AS preferences,
        o.operational_context::text AS operational_context, o.created_by, o.created_at
        """

    static func decode(_ row: PostgresRow) throws -> CustomerOverlay {
        let c = Columns(row)
        let preferences = try c.json("preferences"), context = try c.json("operational_context")
        return CustomerOverlay(id: try c("id"), partyId: try c("party_id"), partyKind: try c("party_kind"), displayName: try c("display_name"),
                               notes: try c("notes"), risk: try c("risk"), preferences: preferences.isNull ? nil : preferences,
                               operationalContext: context.isNull ? nil : context, createdBy: try c("created_by"),
                               createdAt: try c("created_at"))
    }

    /// Adds the party's newest overlay. Venue does not ask Base whether the party exists (bookings do not
    /// either): the overlay is this company's note about an id, seen only by this company.
    func createOverlay(companyID: UUID, userID: UUID, partyID: UUID, _ body: CreateCustomerOverlay) async throws -> CustomerOverlay {
        let preferences = try SQLText.json(body.storedPreferences)
        let context = try SQLText.json(body.storedContext)
        let created = try await database.query("""
            INSERT INTO customer_overlays AS o (company_id, party_kind, party_id, display_name, notes, risk, preferences,
                                                operational_context, created_by)
            VALUES (\(companyID), \(body.partyKind ?? ""), \(partyID), \(body.displayName), \(body.notes), \(body.risk),
                    \(preferences)::jsonb, \(context)::jsonb, \(userID))
            RETURNING \(unescaped: Self.columns)
            """).first(Self.decode)
        guard let created else { throw APIError.unavailable("overlay_not_stored", "The overlay could not be stored; try again.") }
        return created
    }

    /// Current overlays for the search, in one statement of two arms:
    /// - the `limit` best display-name matches of `q` (contains, taken literally, or trigram-similar: the
    ///   `(company_id, display_name gin_trgm_ops)` index), scored like Base's names, of `kind` when given;
    /// - the current overlays of `partyIDs` (the parties Base answered), with whether they match too.
    /// Only current overlays count: a name an older overlay held is history and finds nothing. `current` is not
    /// materialized, so each arm's conditions reach the table (and its indexes) rather than every overlay.
    func overlays(companyID: UUID, matching q: String, kind: String?, limit: Int, partyIDs: [UUID]) async throws -> [OverlayHit] {
        let contains = SQLPattern.contains(q)
        let prefix = SQLPattern.startsWith(q)
        return try await database.query("""
            WITH current AS NOT MATERIALIZED (
                SELECT o.*,
                       COALESCE(o.display_name ILIKE \(contains)::text OR o.display_name % \(q)::text, false) AS matched,
                       COALESCE(round((CASE WHEN o.display_name ILIKE \(prefix)::text THEN 0.5 ELSE 0 END
                                       + 0.5 * similarity(o.display_name, \(q)::text))::numeric, 4), 0)::float8 AS score
                FROM customer_overlays o
                WHERE o.company_id = \(companyID)
                  AND NOT EXISTS (SELECT 1 FROM customer_overlays n
                                  WHERE n.company_id = o.company_id AND n.party_kind = o.party_kind AND n.party_id = o.party_id
                                    AND n.seq > o.seq)
            )
            (SELECT \(unescaped: Self.columns), o.matched, o.score FROM current o
             WHERE (o.display_name ILIKE \(contains)::text OR o.display_name % \(q)::text)
               AND (\(kind)::text IS NULL OR o.party_kind = \(kind)::text)
             ORDER BY o.score DESC, o.seq DESC LIMIT \(limit))
            UNION ALL
            (SELECT \(unescaped: Self.columns), o.matched, o.score FROM current o WHERE o.party_id = ANY (\(partyIDs)))
            """).collect { row in
                let c = Columns(row)
                return OverlayHit(overlay: try Self.decode(row), matched: try c("matched"), score: try c("score"))
            }
    }
}
