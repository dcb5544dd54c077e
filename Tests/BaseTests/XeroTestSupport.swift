import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO

/// Base against a fake Xero started on a loopback port for the test: the real HTTP provider over libcurl, the real
/// OAuth flow, tokens sealed under a fresh key.
struct XeroWorld: Sendable {
    let t: TwoCompanies<BaseService>
    let fake: FakeXero

    static let permissions = [BasePermission.integrationsRead, BasePermission.integrationsWrite]
    static let redirectURI = "https://app.kisum.test/base/api/xero/callback"
    static let orgA1 = UUID(uuidString: "a1a1a1a1-0000-4000-8000-000000000001") ?? UUID()
    static let orgA2 = UUID(uuidString: "a2a2a2a2-0000-4000-8000-000000000002") ?? UUID()
    static let orgB = UUID(uuidString: "b0b0b0b0-0000-4000-8000-000000000003") ?? UUID()

    static func settings(port: Int, appURL: String? = nil) -> BaseSettings {
        BaseSettings(xero: XeroSettings(
            clientID: FakeXero.clientID, clientSecret: FakeXero.clientSecret, redirectURI: redirectURI, tokenKey: Sealer.randomKey(),
            authorizeURL: "http://127.0.0.1:\(port)/identity/connect/authorize", tokenURL: "http://127.0.0.1:\(port)/connect/token",
            apiURL: "http://127.0.0.1:\(port)", appURL: appURL, timeout: .seconds(30)))
    }

    static func run(appURL: String? = nil, _ body: @Sendable @escaping (XeroWorld) async throws -> Void) async throws {
        let fake = FakeXero()
        try await withRunningApplication({ fake.application(onRunning: $0) }) { port async throws in
            let harness = try await ServiceTestHarness(BaseService.self, settings: settings(port: port, appURL: appURL))
            try await harness.withTwoCompanies(permissions: permissions, module: BasePermission.module) { t in
                try await body(XeroWorld(t: t, fake: fake))
            }
        }
    }

    var database: Database { t.harness.database }

    /// The consent URL's query items.
    static func items(_ url: String) -> [String: String] {
        Dictionary((URLComponents(string: url)?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    /// connect → the user consents at Xero (reaching `tenants`) → the browser comes back to the public callback.
    @discardableResult
    func connect(_ api: APITestClient, tenants: [(UUID, String)]) async throws -> TestResponse {
        let start = try await api.get("/api/xero/connect")
        guard start.status == .ok, let url = start.json["authorizeUrl"]?.stringValue else {
            throw TestFailure("connect answered \(start.status): \(start.text)")
        }
        let items = Self.items(url)
        let code = await fake.approve(challenge: items["code_challenge"] ?? "", redirectURI: items["redirect_uri"] ?? "", tenants: tenants)
        return try await callback(code: code, state: items["state"] ?? "")
    }

    /// The browser's request: no token, no x-org.
    func callback(code: String, state: String) async throws -> TestResponse {
        try await APITestClient(t.raw).get("/api/xero/callback?code=\(code)&state=\(state)")
    }

    /// Connected to two organisations of company A, the second selected.
    func connectA() async throws {
        let callback = try await connect(t.a, tenants: [(Self.orgA1, "Kisum Live Ltd"), (Self.orgA2, "Kisum Touring BV")])
        guard callback.status == .ok else { throw TestFailure("callback answered \(callback.status): \(callback.text)") }
        let selected = try await t.a.post("/api/xero/tenants/select", ["tenantId": .string(Self.orgA2.uuidString)])
        guard selected.status == .ok else { throw TestFailure("select answered \(selected.status): \(selected.text)") }
    }

    func event(company: UUID, name: String = "Harbour Nights", date: String = "2027-06-12") async throws -> UUID {
        let id = UUID()
        try await database.query("""
            INSERT INTO events (id, company_id, name, status, event_date, currency, created_by)
            VALUES (\(id), \(company), \(name), 'confirmed', \(date)::date, 'EUR', \(UUID()))
            """)
        return id
    }

    func income(company: UUID, event: UUID, amountMinor: Int64, currency: String = "EUR", payer: String? = "Harbour Promotions",
                description: String = "Guarantee", expected: String = "2027-06-30") async throws -> UUID {
        let id = UUID()
        try await database.query("""
            INSERT INTO event_income (company_id, id, event_id, category, description, payer_name, amount_minor, currency, expected_date)
            VALUES (\(company), \(id), \(event), 'guarantee', \(description), \(payer), \(amountMinor), \(currency), \(expected)::date)
            """)
        return id
    }

    /// Makes the stored access token due for refresh (the database's clock decides).
    func expireStoredToken(company: UUID) async throws {
        try await database.query("UPDATE xero_connections SET access_expires_at = clock_timestamp() WHERE company_id = \(company)")
    }

    /// The stored connection's sealed columns, as bytes.
    func storedTokens(company: UUID) async throws -> (access: [UInt8], refresh: [UInt8])? {
        try await database.query("SELECT access_token, refresh_token FROM xero_connections WHERE company_id = \(company)").first { row in
            let (access, refresh) = try row.decode((Data, Data).self)
            return (Array(access), Array(refresh))
        }
    }
}

extension Array where Element == UInt8 {
    func contains(text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
