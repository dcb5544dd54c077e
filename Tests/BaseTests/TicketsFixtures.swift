import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

extension BasePermission {
    /// A Base permission that is not a tickets one (a member holding only it is refused every tickets route).
    static let eventsReadForTests = "basic.events.read"
}

/// Members hold the tickets' permissions; events are rows of migration 0009 inserted through SQL (the events
/// routes are another helper's).
func withTickets(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: [BasePermission.ticketsRead, BasePermission.ticketsWrite],
                                       module: BasePermission.module, body)
}

extension TwoCompanies where Service == BaseService {
    func makeEvent(_ company: UUID, name: String = "Show", capacity: Int? = 1000, currency: String = "EUR") async throws -> UUID {
        let id = try await harness.database.query("""
            INSERT INTO events (company_id, name, event_date, currency, capacity, created_by)
            VALUES (\(company), \(name), DATE '2027-06-01', \(currency), \(capacity), \(UUID())) RETURNING id
            """).first { try $0.decode(UUID.self) }
        return try #require(id)
    }
}

extension APITestClient {
    func makeTicket(_ event: UUID, name: String = "GA", capacity: Int, tiers: [JSONValue] = []) async throws -> UUID {
        let response = try await post("/api/event-ticket", ["eventId": .string(event.uuidString), "name": .string(name),
                                                            "capacity": .number(Double(capacity)), "tiers": .array(tiers)])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating ticket \(name) answered \(response.status): \(response.text)")
        }
        return id
    }
}
