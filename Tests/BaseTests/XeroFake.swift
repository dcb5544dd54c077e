import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel
import NIOCore

/// A stand-in for Xero on a loopback port: its identity server (token endpoint with PKCE, refresh and revocation),
/// `/connections` and the accounting API's Accounts, Contacts and Invoices, enforcing what Xero enforces — the app's
/// Basic credentials, S256(code_verifier) == code_challenge, single-use codes and refresh tokens (rotated on use),
/// bearer tokens that expire, and a `xero-tenant-id` the token reaches.
actor FakeXero {
    static let clientID = "kisum-test-client"
    static let clientSecret = "fake-xero-secret-7c41d0a9e2"

    struct Grant: Sendable {
        var tenants: [(id: UUID, name: String)]
    }

    struct PendingCode: Sendable {
        var challenge: String
        var redirectURI: String
        var grant: Grant
    }

    var codes: [String: PendingCode] = [:]
    var accessTokens: [String: (grant: Grant, expiresAt: Date)] = [:]
    var refreshTokens: [String: (grant: Grant, used: Bool)] = [:]
    /// Invoices per organisation, as Xero answers them.
    var invoices: [UUID: [UUID: FakeInvoice]] = [:]
    var idempotent: [String: Data] = [:]
    /// What the service sent: token grants, invoice bodies (raw JSON text), tenant headers, revoked tokens.
    var grantTypes: [String] = []
    var invoiceBodies: [String] = []
    var idempotencyKeys: [String] = []
    var tenantHeaders: [String] = []
    var revoked: [String] = []
    var unauthorizedCalls = 0
    /// Scripts: every refresh refused with invalid_grant; the access tokens' lifetime.
    var refuseRefresh = false
    var accessLifetime = 1800
    var refreshDelay: Duration = .zero

    func script(refuseRefresh: Bool? = nil, accessLifetime: Int? = nil, refreshDelay: Duration? = nil) {
        if let refuseRefresh { self.refuseRefresh = refuseRefresh }
        if let accessLifetime { self.accessLifetime = accessLifetime }
        if let refreshDelay { self.refreshDelay = refreshDelay }
    }

    /// The user's consent at Xero: a code for this challenge that reaches these organisations.
    func approve(challenge: String, redirectURI: String, tenants: [(UUID, String)]) -> String {
        let code = "code-" + UUID().uuidString
        codes[code] = PendingCode(challenge: challenge, redirectURI: redirectURI, grant: Grant(tenants: tenants.map { (id: $0.0, name: $0.1) }))
        return code
    }

    /// Every token Xero issued (to check none is stored in the clear).
    var issuedTokens: [String] { Array(accessTokens.keys) + Array(refreshTokens.keys) }
    var refreshCount: Int { grantTypes.filter { $0 == "refresh_token" }.count }

    func expireAccessTokens() {
        for key in accessTokens.keys { accessTokens[key]?.expiresAt = Date(timeIntervalSince1970: 0) }
    }

    private func issue(_ grant: Grant) -> [String: JSONValue] {
        let access = "xat-" + UUID().uuidString
        let refresh = "xrt-" + UUID().uuidString
        accessTokens[access] = (grant, Date().addingTimeInterval(TimeInterval(accessLifetime)))
        refreshTokens[refresh] = (grant, false)
        return ["access_token": .string(access), "refresh_token": .string(refresh), "expires_in": .number(Double(accessLifetime)),
                "token_type": "Bearer", "scope": "offline_access accounting.transactions accounting.contacts accounting.settings.read"]
    }

    func token(form: [String: String], authorization: String?) async -> (HTTPResponse.Status, JSONValue) {
        let expected = "Basic " + Data("\(Self.clientID):\(Self.clientSecret)".utf8).base64EncodedString()
        guard authorization == expected else { return (.unauthorized, ["error": "invalid_client"]) }
        grantTypes.append(form["grant_type"] ?? "")
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], let pending = codes.removeValue(forKey: code), pending.redirectURI == form["redirect_uri"],
                  let verifier = form["code_verifier"],
                  Base64URL.encode(SHA256.hash(data: Data(verifier.utf8))) == pending.challenge else {
                return (.badRequest, ["error": "invalid_grant"])
            }
            return (.ok, .object(issue(pending.grant)))
        case "refresh_token":
            guard !refuseRefresh, let token = form["refresh_token"], let entry = refreshTokens[token], !entry.used else {
                return (.badRequest, ["error": "invalid_grant"])
            }
            // Spent before the (scripted) slow answer, so a second refresh racing this one is refused, as at Xero.
            refreshTokens[token]?.used = true
            if refreshDelay > .zero { try? await Task.sleep(for: refreshDelay) }
            return (.ok, .object(issue(entry.grant)))
        default:
            return (.badRequest, ["error": "unsupported_grant_type"])
        }
    }

    func revoke(_ token: String) { revoked.append(token) }

    /// The grant behind a valid bearer token, or nil (401).
    func grant(_ authorization: String?) -> Grant? {
        guard let token = authorization?.split(separator: " ").last.map(String.init), let entry = accessTokens[token], entry.expiresAt > Date() else {
            unauthorizedCalls += 1
            return nil
        }
        return entry.grant
    }

    func recordTenant(_ header: String?) { tenantHeaders.append(header ?? "") }

    func createInvoices(tenant: UUID, body: Data, key: String?) throws -> Data {
        if let key, let earlier = idempotent[key] { return earlier }
        invoiceBodies.append(String(decoding: body, as: UTF8.self))
        if let key { idempotencyKeys.append(key) }
        let request = try JSONDecoder().decode(FakeInvoices.self, from: body)
        var answered: [FakeInvoice] = []
        for var invoice in request.Invoices {
            if (invoice.LineItems ?? []).contains(where: { $0.AccountCode == "999" }) {
                invoice.StatusAttributeString = "ERROR"
                invoice.ValidationErrors = [.init(Message: "Account code '999' is not a valid code for this document.")]
                answered.append(invoice)
                continue
            }
            let id = UUID()
            let count = invoices.values.map(\.count).reduce(0, +) + 1
            invoice.InvoiceID = id
            invoice.InvoiceNumber = "INV-\(String(format: "%04d", count))"
            invoice.DateString = invoice.Date.map { $0 + "T00:00:00" }
            invoice.DueDateString = invoice.DueDate.map { $0 + "T00:00:00" }
            invoice.Status = invoice.Status ?? "DRAFT"
            var subtotal = Decimal(0)
            invoice.LineItems = (invoice.LineItems ?? []).map { line in
                var line = line
                line.LineAmount = (line.Quantity ?? 1) * (line.UnitAmount ?? 0)
                line.TaxAmount = 0
                subtotal += line.LineAmount ?? 0
                return line
            }
            invoice.SubTotal = subtotal
            invoice.TotalTax = 0
            invoice.Total = subtotal
            invoice.AmountDue = subtotal
            invoice.AmountPaid = 0
            invoice.StatusAttributeString = "OK"
            invoices[tenant, default: [:]][id] = invoice
            answered.append(invoice)
        }
        let data = try JSONEncoder().encode(FakeInvoices(Invoices: answered))
        if let key { idempotent[key] = data }
        return data
    }

    func invoice(tenant: UUID, id: UUID) -> FakeInvoice? { invoices[tenant]?[id] }

    nonisolated func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/connect/token") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let (status, answer) = await self.token(form: Self.form(String(buffer: body)), authorization: request.headers[.authorization])
            return Self.json(answer, status: status)
        }
        router.post("/connect/revocation") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            await self.revoke(Self.form(String(buffer: body))["token"] ?? "")
            return Response(status: .ok)
        }
        router.get("/connections") { request, _ -> Response in
            guard let grant = await self.grant(request.headers[.authorization]) else { return Self.unauthorized() }
            return Self.json(.array(grant.tenants.map { tenant in
                ["id": .string(UUID().uuidString.lowercased()), "authEventId": .string(UUID().uuidString), "tenantId": .string(tenant.id.uuidString.lowercased()),
                 "tenantType": "ORGANISATION", "tenantName": .string(tenant.name), "createdDateUtc": "2026-01-05T10:11:12.1234567"]
            }))
        }
        let api = router.group("/api.xro/2.0").add(middleware: FakeXeroTenantGate(fake: self))
        api.get("Accounts") { _, _ -> Response in
            Self.json(["Accounts": [
                ["AccountID": "5b1c3e2a-0d4f-4a6b-9c8d-7e6f5a4b3c21", "Code": "200", "Name": "Sales", "Type": "REVENUE", "Class": "REVENUE",
                 "Status": "ACTIVE", "TaxType": "OUTPUT2", "Description": "Income from any normal business activity", "EnablePaymentsToAccount": false],
                ["AccountID": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "Code": "090", "Name": "Business Bank Account", "Type": "BANK",
                 "Class": "ASSET", "Status": "ACTIVE", "TaxType": "NONE", "BankAccountNumber": "0123456789", "CurrencyCode": "EUR"],
            ]])
        }
        api.get("Contacts") { request, _ -> Response in
            let page = Int(request.uri.queryParameters.get("page") ?? "1") ?? 1
            let size = Int(request.uri.queryParameters.get("pageSize") ?? "100") ?? 100
            let all: [JSONValue] = (1...3).map { n in
                ["ContactID": .string(UUID(uuidString: "00000000-0000-4000-8000-00000000000\(n)")?.uuidString ?? ""), "Name": .string("Promoter \(n)"),
                 "ContactStatus": "ACTIVE", "EmailAddress": .string("p\(n)@example.com"), "IsCustomer": true, "IsSupplier": false]
            }
            let slice = Array(all.dropFirst((page - 1) * size).prefix(size))
            return Self.json(["Contacts": .array(slice), "pagination": ["page": .number(Double(page)), "pageSize": .number(Double(size)),
                                                                         "pageCount": .number(Double((all.count + size - 1) / size)), "itemCount": 3]])
        }
        api.post("Invoices") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let tenant = UUID(uuidString: request.headers[HTTPField.Name("xero-tenant-id")!] ?? "") ?? UUID()
            let data = try await self.createInvoices(tenant: tenant, body: Data(body.readableBytesView),
                                                     key: request.headers[HTTPField.Name("Idempotency-Key")!])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        api.get("Invoices/{id}") { request, context -> Response in
            let tenant = UUID(uuidString: request.headers[HTTPField.Name("xero-tenant-id")!] ?? "") ?? UUID()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)), let invoice = await self.invoice(tenant: tenant, id: id) else {
                return Self.json(["Title": "Not Found", "Status": 404], status: .notFound)
            }
            let data = try JSONEncoder().encode(FakeInvoices(Invoices: [invoice]))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    static func form(_ text: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unauthorized() -> Response {
        json(["Type": .null, "Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"], status: .unauthorized)
    }
}

/// The accounting API's gate: a live bearer token, and a `xero-tenant-id` among the organisations it reaches (403
/// AuthorizationUnsuccessful otherwise, as Xero answers).
struct FakeXeroTenantGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let fake: FakeXero

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let grant = await fake.grant(request.headers[.authorization]) else { return FakeXero.unauthorized() }
        let header = request.headers[HTTPField.Name("xero-tenant-id")!]
        await fake.recordTenant(header)
        guard let tenant = header.flatMap(UUID.init(uuidString:)), grant.tenants.contains(where: { $0.id == tenant }) else {
            return FakeXero.json(["Type": "AuthorizationUnsuccessful", "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"],
                                 status: .forbidden)
        }
        return try await next(request, context)
    }
}

/// Xero's invoice JSON with exact amounts (`Decimal` reads and writes decimal text).
struct FakeInvoices: Codable, Sendable { var Invoices: [FakeInvoice] }

struct FakeInvoice: Codable, Sendable {
    struct Contact: Codable, Sendable {
        var ContactID: UUID?
        var Name: String?
    }
    struct Line: Codable, Sendable {
        var Description: String?
        var Quantity: Decimal?
        var UnitAmount: Decimal?
        var AccountCode: String?
        var TaxType: String?
        var LineAmount: Decimal?
        var TaxAmount: Decimal?
    }
    struct Problem: Codable, Sendable { var Message: String }

    var InvoiceID: UUID?
    var InvoiceNumber: String?
    var `Type`: String?
    var Status: String?
    var Reference: String?
    var Contact: Contact?
    var Date: String?
    var DueDate: String?
    var DateString: String?
    var DueDateString: String?
    var CurrencyCode: String?
    var LineAmountTypes: String?
    var LineItems: [Line]?
    var SubTotal: Decimal?
    var TotalTax: Decimal?
    var Total: Decimal?
    var AmountDue: Decimal?
    var AmountPaid: Decimal?
    var StatusAttributeString: String?
    var ValidationErrors: [Problem]?
}
