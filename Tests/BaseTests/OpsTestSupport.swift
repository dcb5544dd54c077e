import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Members hold the permissions of event groups, approvals, tasks and festivals, and of artists (created through
/// `POST /api/artists`). Events and offers have no routes here yet: tests insert their 0009 rows by SQL.
func withOps(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
    try await harness.withTwoCompanies(permissions: allOpsTestPermissions, module: BasePermission.module, body)
}

let allOpsTestPermissions = [
    BasePermission.eventsRead, BasePermission.eventsWrite, BasePermission.approvalsRead, BasePermission.approvalsWrite,
    BasePermission.tasksRead, BasePermission.tasksWrite, BasePermission.festivalsRead, BasePermission.festivalsWrite,
    BasePermission.artistsRead, BasePermission.artistsWrite,
]

extension TwoCompanies where Service == BaseService {
    var opsDatabase: Database { harness.database }

    /// An events row of `company` (A unless named), by SQL.
    func insertOpsEvent(_ name: String, on date: String, company: UUID? = nil, status: String = "confirmed", city: String? = nil,
                     capacity: Int? = nil, currency: String = "EUR") async throws -> UUID {
        let company = company ?? companyA
        let id = UUID()
        try await opsDatabase.query("""
            INSERT INTO events (id, company_id, name, status, event_date, city, capacity, currency, created_by)
            VALUES (\(id), \(company), \(name), \(status), \(date)::date, \(city), \(capacity), \(currency), \(UUID()))
            """)
        return id
    }

    /// An offers row of company A for `artist`, by SQL; `potential` is the JSON text of the stored potential.
    func insertOpsOffer(artist: UUID, event: UUID? = nil, status: String, currency: String = "EUR", guarantee: Int64,
                     potential: String = "{}", company: UUID? = nil) async throws -> UUID {
        let company = company ?? companyA
        let id = UUID()
        try await opsDatabase.query("""
            INSERT INTO offers (id, company_id, artist_id, event_id, status, event_date, currency, deal, scenario, potential,
                                guarantee_minor, created_by)
            VALUES (\(id), \(company), \(artist), \(event), \(status), DATE '2027-05-01', \(currency), '{}'::jsonb, '{}'::jsonb,
                    \(potential)::jsonb, \(guarantee), \(UUID()))
            """)
        return id
    }

    func addOpsBill(event: UUID, artist: UUID, order: Int, role: String = "headliner", company: UUID? = nil) async throws {
        try await opsDatabase.query("""
            INSERT INTO event_artists (company_id, event_id, artist_id, role, billing_order, added_by)
            VALUES (\(company ?? companyA), \(event), \(artist), \(role), \(order), \(UUID()))
            """)
    }
}

extension APITestClient {
    func makeOpsArtist(_ name: String) async throws -> UUID {
        let response = try await post("/api/artists", ["name": .string(name)])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating artist \(name) answered \(response.status): \(response.text)")
        }
        return id
    }

    /// POSTs and answers the created id (failing the step otherwise).
    func opsCreated(_ path: String, _ body: JSONValue) async throws -> UUID {
        let response = try await post(path, body)
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("POST \(path) answered \(response.status): \(response.text)")
        }
        return id
    }
}

extension TwoCompanies where Service == BaseService {
    /// A member of company A with every ops permission, and its user id.
    func opsMember(permissions: [String] = allOpsTestPermissions) -> (user: UUID, api: APITestClient) {
        let member = harness.member(of: companyA, permissions: permissions, modules: [module])
        return (member.user, APITestClient(raw, token: member.token, org: companyA))
    }

    /// An approval_items row (pending) of company A, by SQL.
    func insertOpsApproval(source: String = "offer", sourceID: UUID, requestedBy: UUID, title: String = "Offer above threshold",
                        amount: Int64? = 500_000, currency: String? = "EUR", company: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await opsDatabase.query("""
            INSERT INTO approval_items (id, company_id, source_type, source_id, title, amount_minor, currency, requested_by)
            VALUES (\(id), \(company ?? companyA), \(source), \(sourceID), \(title), \(amount), \(currency), \(requestedBy))
            """)
        return id
    }
}
