import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import PostgresNIO
@testable import Venue

extension LiveFinance {
    /// An issued document of `company` posted straight to Finance as a machine (`kind` income or bills),
    /// dated `issueDate`, for `amount` in `currency` (one line, no tax), with `paid` of it paid. Returns its id.
    @discardableResult
    func issued(_ kind: String, _ company: UUID, _ amount: Int64, _ currency: String, on issueDate: String, paid: Int64 = 0,
                status: String = "issued") async throws -> String {
        let party = kind == "income" ? "customerName" : "supplierName"
        let body: JSONValue = [party: "Mojo Concerts", "currency": .string(currency), "issueDate": .string(issueDate),
                               "status": .string(status),
                               "lines": [["description": "Show", "quantity": 1, "unitMinor": .number(Double(amount)), "taxRateBp": 0]]]
        let org = company.uuidString.lowercased()
        let created = try await machine(company).send("POST", "/api/\(kind)", body: Array(try JSONCoding.encoder.encode(body)), orgID: org)
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(created.body))
        guard created.status == 201, let id = json["id"]?.stringValue else { throw TestFailure("\(kind) answered \(created.status): \(json)") }
        if paid > 0 {
            let payment = try await machine(company).send("POST", "/api/\(kind)/\(id)/payments",
                                                          body: Array(#"{"amountMinor":\#(paid)}"#.utf8), orgID: org)
            guard payment.status == 201 else { throw TestFailure("payment answered \(payment.status)") }
        }
        return id
    }
}

extension VenueClients {
    /// A deposit of company A (or of `api`'s company) for `amount` in `currency`, created at `createdAt`
    /// (RFC 3339: set in the database, as the API stamps the creation time). Returns its id.
    @discardableResult
    func depositAt(_ amount: Int64, _ currency: String, _ createdAt: String, api: APITestClient? = nil,
                   extra: [String: JSONValue] = [:]) async throws -> UUID {
        var body: [String: JSONValue] = ["payerName": "Mojo Concerts", "amountMinor": .number(Double(amount)), "currency": .string(currency)]
        body.merge(extra) { _, new in new }
        let created = try await (api ?? a).post("/api/v1/deposits", .object(body))
        guard created.status == .created else { throw TestFailure("deposit answered \(created.status): \(created.text)") }
        let id = try requireUUID(created.json["id"])
        guard let at = RFC3339.date(from: createdAt) else { throw TestFailure("bad time \(createdAt)") }
        try await env.database.query("UPDATE deposits SET created_at = \(at) WHERE id = \(id)")
        return id
    }
}

extension APITestClient {
    /// `GET /api/v1/reports/<name>?<query>`, which must answer 200.
    func moneyReport(_ name: String, _ query: String) async throws -> JSONValue {
        let response = try await get("/api/v1/reports/\(name)?\(query)")
        guard response.status == .ok else { throw TestFailure("\(name) answered \(response.status): \(response.text)") }
        return response.json
    }
}

extension JSONValue {
    /// The report's rows, one line each: "bucketStart currency figure figure …" (null figures as "-").
    func lines(_ figures: [String], of list: String = "rows") -> [String] {
        (self[list]?.arrayValue ?? []).map { row in
            let head = [row["bucketStart"]?.stringValue, row["currency"]?.stringValue].compactMap { $0 }
            return (head + figures.map { key in row[key]?.doubleValue.map { String(Int64($0)) } ?? "-" }).joined(separator: " ")
        }
    }
}
