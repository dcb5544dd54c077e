import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// Turns a violation of one of migration 0013's capacity CHECKs into 409 `capacity_exceeded`, with the level
/// that refused (`tier`, `allocation`, `event`) and its capacity, use and remaining capacity as they stand after
/// the refused write rolled back. The database decided; this only reads what to tell the client.
enum TicketCapacity {
    static let levels = [
        "event_ticket_tiers_sold_within_capacity": "tier",
        "event_tickets_tiers_within_capacity": "allocation",
        "events_tickets_within_capacity": "event",
    ]

    /// Runs `body`; a capacity violation becomes 409 `capacity_exceeded`. The ids name the rows to report on
    /// (an allocation's event and a tier's allocation are found from them when not given).
    static func mapping<T>(_ database: Database, companyID: UUID, tier: UUID? = nil, ticket: UUID? = nil, event: UUID? = nil,
                           _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            guard let violation = error.postgresViolation, violation.sqlState == "23514", let constraint = violation.constraint,
                  let level = levels[constraint] else { throw error }
            let standing = try? await self.standing(database, level: level, companyID: companyID, tier: tier, ticket: ticket, event: event)
            var info: [String: JSONValue] = ["level": .string(level)]
            var message = "This would sell or allocate more than the \(level == "tier" ? "tier" : level)'s capacity."
            if let standing {
                let (capacity, used) = standing
                let remaining = max(capacity - used, 0)
                info["capacity"] = .number(Double(capacity))
                info["used"] = .number(Double(used))
                info["remaining"] = .number(Double(remaining))
                message += " Remaining: \(remaining)."
            }
            throw APIError.conflict("capacity_exceeded", message, info: info)
        }
    }

    /// (capacity, used) of the level's row; nil when it has no capacity (an event without one) or is not found.
    static func standing(_ database: Database, level: String, companyID: UUID, tier: UUID?, ticket: UUID?,
                         event: UUID?) async throws -> (Int, Int)? {
        let query: PostgresQuery
        switch level {
        case "tier":
            query = "SELECT capacity::bigint, (sold + comps)::bigint FROM event_ticket_tiers WHERE company_id = \(companyID) AND id = \(tier)"
        case "allocation":
            query = """
                SELECT capacity::bigint, tier_capacity::bigint FROM event_tickets
                WHERE company_id = \(companyID)
                  AND id = COALESCE(\(ticket)::uuid, (SELECT ticket_id FROM event_ticket_tiers WHERE company_id = \(companyID) AND id = \(tier)))
                """
        default:
            query = """
                SELECT capacity::bigint, ticket_capacity::bigint FROM events
                WHERE company_id = \(companyID) AND capacity IS NOT NULL
                  AND id = COALESCE(\(event)::uuid, (SELECT event_id FROM event_tickets WHERE company_id = \(companyID) AND id = \(ticket)))
                """
        }
        return try await database.query(query).first { try $0.decode((Int, Int).self) }
    }
}
