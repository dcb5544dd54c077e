import Finance
import Foundation
import HummingbirdTesting
import HTTPTypes
import KisumKernel
import KisumPersistence
import KisumServiceClient
import PostgresNIO
import KisumTesting
import Testing

/// Venue posts deposits as a machine: internal key + x-org, `source=venue_deposit`, the deposit id as
/// the idempotency key.
@Suite("Finance machine callers and idempotency")
struct MachineCallerTests {
    static func deposit(_ ref: String, amount: Int64 = 50_000) -> JSONValue {
        invoiceBody("Promoter BV", unit: amount, extra: ["source": "venue_deposit", "sourceRef": .string(ref), "status": "issued",
                                                        "lines": [["description": "Deposit", "quantity": 1, "unitMinor": .number(Double(amount))]]])
    }

    @Test func machineCallersNameTheCompanyAndAreRecordedAsNoOne() async throws {
        try await withFinanceApp { c in
            let venue = c.machine.with(org: c.companyA)
            let created = try await venue.post("/api/income", Self.deposit("dep-1"))
            #expect(created.status == .created)
            #expect(created.json["companyId"] == .uuid(c.companyA))
            #expect(created.json["createdBy"] == .null)
            #expect(created.json["source"] == "venue_deposit")
            #expect(try await c.a.get("/api/income?source=venue_deposit&sourceRef=dep-1").json["total"] == 1)
            #expect(try await c.b.get("/api/income").json["total"] == 0)

            #expect(try await c.machine.post("/api/income", Self.deposit("dep-2")).json["error"]?["code"] == "tenant_required")
            let wrongKey = APITestClient(c.raw, org: c.companyA).with(header: "X-Internal-API-Key", "not-the-key")
            #expect(try await wrongKey.post("/api/income", Self.deposit("dep-3")).json["error"]?["code"] == "internal_key_invalid")
            // Tenants cannot pose as a service's source.
            #expect(try await c.a.post("/api/income", Self.deposit("dep-4")).errorFields == ["source"])
        }
    }

    @Test func theSameKeyAndBodyAnswerTheFirstResultAnotherBodyIsRefused() async throws {
        try await withFinanceApp { c in
            let venue = c.machine.with(org: c.companyA)
            let first = try await venue.post("/api/income", Self.deposit("dep-1"))
            let again = try await venue.post("/api/income", Self.deposit("dep-1"))
            #expect(again.status == .created)
            #expect(again.headers[values: .init("Idempotent-Replayed")!] == ["true"])
            #expect(again.json["id"] == first.json["id"])
            let changed = try await venue.post("/api/income", Self.deposit("dep-1", amount: 60_000))
            #expect(changed.status == .conflict)
            #expect(changed.json["error"]?["code"] == "idempotency_conflict")
            // The same key in another company is another document.
            #expect(try await c.machine.with(org: c.companyB).post("/api/income", Self.deposit("dep-1")).json["id"] != first.json["id"])

            // A header key works for tenants too, and must agree with sourceRef.
            let keyed = c.a.with(header: "Idempotency-Key", "client-42")
            let one = try await keyed.post("/api/income", invoiceBody())
            let two = try await keyed.post("/api/income", invoiceBody())
            #expect(one.json["id"] == two.json["id"])
            #expect(one.json["sourceRef"] == "client-42")
            let mismatch = try await keyed.post("/api/income", invoiceBody(extra: ["sourceRef": "other"]))
            #expect(mismatch.errorFields == ["sourceRef"])
        }
    }

    @Test func fiftyConcurrentIdenticalPostsMakeOneInvoice() async throws {
        let harness = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        let company = UUID()
        try await harness.live { port in
            let venue = ServiceClient(name: "venue", baseURL: "http://127.0.0.1:\(port)", internalAPIKey: TestDefaults.internalKeys[0],
                                      timeout: .seconds(60), retry: .none)
            let body = Array(try JSONCoding.encoder.encode(Self.deposit("dep-concurrent")))
            let answers = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let response = try await venue.send("POST", "/api/income", body: body, orgID: company.uuidString)
                        return (response.status, (try? JSONCoding.decoder.decode(JSONValue.self, from: Data(response.body))) ?? .null)
                    }
                }
                var results: [(Int, JSONValue)] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(answers.allSatisfy { $0.0 == 201 }, "\(answers.map(\.0))")
            #expect(Set(answers.compactMap { $0.1["id"]?.stringValue }).count == 1)
        }
        let rows = try await harness.database.query("SELECT count(*) FROM finance_documents WHERE company_id = \(company)").count()
        #expect(rows == 1)
    }
}
