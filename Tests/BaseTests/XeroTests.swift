import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 10: "Xero: an accounting provider behind a protocol with an HTTP implementation (OAuth 2.0
/// authorization-code flow with PKCE, token refresh, tenant selection, accounts, contacts, invoice push, sync)
/// configured by URL and credentials, tested against a fake Xero server started in the test; tokens encrypted at
/// rest; not configured → 503 provider_not_configured", and "The Xero flow (connect → callback → tenant select →
/// invoice push → token refresh) passes against the fake server, and a refresh-token failure marks the connection as
/// needing re-authorisation."
@Suite("Base Xero")
struct XeroTests {
    @Test func theFlowConnectsSelectsAnOrganisationPushesAnInvoiceAndRefreshesTheToken() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            // connect: a consent URL with PKCE S256 and a fresh state, as JSON (or a 302 on request).
            let start = try await t.a.get("/api/xero/connect")
            #expect(start.status == .ok, "\(start.text)")
            let url = try #require(start.json["authorizeUrl"]?.stringValue)
            #expect(url.hasPrefix("http://127.0.0.1:"))
            let items = XeroWorld.items(url)
            #expect(items["response_type"] == "code")
            #expect(items["client_id"] == FakeXero.clientID)
            #expect(items["redirect_uri"] == XeroWorld.redirectURI)
            #expect(items["code_challenge_method"] == "S256")
            #expect(items["code_challenge"]?.count == 43)
            #expect(items["state"]?.count == 43)
            #expect(items["scope"]?.split(separator: " ").contains("offline_access") == true)
            #expect(start.json["expiresAt"]?.stringValue != nil)
            let redirect = try await t.a.get("/api/xero/connect?redirect=true")
            #expect(redirect.status == .found)
            #expect(redirect.headers[.location]?.hasPrefix("http://127.0.0.1:") == true)

            // The user consents at Xero; the browser comes back without token or x-org. The fake checks PKCE.
            let code = await w.fake.approve(challenge: items["code_challenge"] ?? "", redirectURI: XeroWorld.redirectURI,
                                            tenants: [(XeroWorld.orgA1, "Kisum Live Ltd"), (XeroWorld.orgA2, "Kisum Touring BV")])
            let callback = try await w.callback(code: code, state: items["state"] ?? "")
            #expect(callback.status == .ok, "\(callback.text)")
            #expect(callback.json["status"] == "connected")
            #expect(callback.json["tenantId"] == .null, "two organisations: none is chosen for the user")
            for token in await w.fake.issuedTokens { #expect(!callback.text.contains(token), "tokens never reach a response") }

            let status = try await t.a.get("/api/xero/status")
            #expect(status.json["configured"] == true)
            #expect(status.json["connected"] == true)
            #expect(status.json["connectedBy"]?.uuid != nil)
            #expect(status.json["scopes"]?.arrayValue?.contains("offline_access") == true)

            // No organisation selected yet: the accounting routes say so.
            #expect(try await t.a.get("/api/xero/accounts").errorCode == "xero_tenant_required")
            let tenants = try await t.a.get("/api/xero/tenants")
            #expect(tenants.status == .ok, "\(tenants.text)")
            #expect(tenants.json["items"]?.arrayValue?.count == 2)
            #expect(tenants.json["items"]?[1]?["tenantName"] == "Kisum Touring BV")
            #expect(tenants.json["selectedTenantId"] == .null)
            let unknown = try await t.a.post("/api/xero/tenants/select", ["tenantId": .string(XeroWorld.orgB.uuidString)])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["tenantId"])
            let selected = try await t.a.post("/api/xero/tenants/select", ["tenantId": .string(XeroWorld.orgA2.uuidString)])
            #expect(selected.status == .ok, "\(selected.text)")
            #expect(selected.json["tenantName"] == "Kisum Touring BV")
            #expect(try await t.a.get("/api/xero/tenants").json["items"]?[1]?["selected"] == true)

            // Read-through accounts and contacts, in our shape, with the organisation's header.
            let accounts = try await t.a.get("/api/xero/accounts")
            #expect(accounts.status == .ok, "\(accounts.text)")
            #expect(accounts.json["total"] == 2)
            #expect(accounts.json["items"]?[0]?["code"] == "200")
            #expect(accounts.json["items"]?[0]?["accountClass"] == "REVENUE")
            #expect(accounts.json["items"]?[1]?["bankAccountNumber"] == "0123456789")
            let contacts = try await t.a.get("/api/xero/contacts?page=2&limit=2")
            #expect(contacts.status == .ok, "\(contacts.text)")
            #expect(contacts.json["items"]?.arrayValue?.count == 1)
            #expect(contacts.json["items"]?[0]?["name"] == "Promoter 3")
            #expect(contacts.json["page"] == 2)
            #expect(contacts.json["total"] == 3)
            #expect(contacts.json["pageCount"] == 2)
            #expect(await w.fake.tenantHeaders.allSatisfy { $0 == XeroWorld.orgA2.uuidString.lowercased() })

            // Push an income line: exact decimal amounts, once per line.
            let event = try await w.event(company: t.companyA)
            let income = try await w.income(company: t.companyA, event: event, amountMinor: 123_450)
            let pushed = try await t.a.post("/api/xero/invoices", ["incomeId": .string(income.uuidString), "accountCode": "200"])
            #expect(pushed.status == .created, "\(pushed.text)")
            #expect(pushed.json["created"] == true)
            #expect(pushed.json["invoice"]?["totalMinor"] == 123_450)
            #expect(pushed.json["invoice"]?["currency"] == "EUR")
            #expect(pushed.json["invoice"]?["contact"]?["name"] == "Harbour Promotions")
            #expect(pushed.json["invoice"]?["dueDate"] == "2027-06-30")
            #expect(pushed.json["invoice"]?["reference"] == "Harbour Nights (2027-06-12)")
            #expect(pushed.json["link"]?["incomeId"]?.uuid == income)
            #expect(pushed.json["link"]?["xeroTenantId"]?.uuid == XeroWorld.orgA2)
            let body = try #require(await w.fake.invoiceBodies.last)
            #expect(body.contains(#""UnitAmount":1234.5"#), "minor units become Xero's decimal exactly: \(body)")
            #expect(body.contains(#""AccountCode":"200""#))
            #expect(body.contains(#""Type":"ACCREC""#))
            let invoiceID = try #require(pushed.json["invoiceId"]?.uuid)
            let again = try await t.a.post("/api/xero/invoices", ["incomeId": .string(income.uuidString)])
            #expect(again.status == .ok)
            #expect(again.json["created"] == false)
            #expect(again.json["invoiceId"]?.uuid == invoiceID)
            #expect(await w.fake.invoiceBodies.count == 1, "a second push creates nothing at Xero")
            let read = try await t.a.get("/api/xero/invoices/\(invoiceID)")
            #expect(read.status == .ok, "\(read.text)")
            #expect(read.json["lines"]?[0]?["unitAmount"] == "1234.5")
            #expect(read.json["lines"]?[0]?["lineAmountMinor"] == 123_450)
            #expect(read.json["invoiceNumber"] == "INV-0001")

            // The access token is due: the next call refreshes it first (refresh-token grant, rotated).
            #expect(await w.fake.refreshCount == 0)
            await w.fake.expireAccessTokens()
            try await w.expireStoredToken(company: t.companyA)
            let afterExpiry = try await t.a.get("/api/xero/accounts")
            #expect(afterExpiry.status == .ok, "\(afterExpiry.text)")
            #expect(await w.fake.refreshCount == 1)
            #expect(try await t.a.get("/api/xero/status").json["refreshedAt"]?.stringValue != nil)
            // Xero refuses a token early (revoked): refreshed once and the call made again.
            await w.fake.expireAccessTokens()
            #expect(try await t.a.get("/api/xero/accounts").status == .ok)
            #expect(await w.fake.refreshCount == 2)

            // At rest the tokens are sealed: no issued token's text is in the row.
            let stored = try #require(try await w.storedTokens(company: t.companyA))
            for token in await w.fake.issuedTokens {
                #expect(!stored.access.contains(text: token) && !stored.refresh.contains(text: token))
            }
            let sealedLength = 12 + 40 + 16  // AES-GCM: nonce, the 40-character token, tag
            #expect(stored.access.count == sealedLength)
            let verifiers = try await w.database.query("SELECT code_verifier FROM xero_oauth_states WHERE company_id = \(t.companyA)")
                .collect { try $0.decode(Data.self) }
            let sealedVerifier = 12 + 43 + 16
            #expect(!verifiers.isEmpty && verifiers.allSatisfy { $0.count == sealedVerifier }, "the PKCE verifiers are sealed too")
        }
    }

    /// Two requests meeting an expired token refresh it once: the second waits on the row lock, then uses the new
    /// token (a refresh token is single use, so a second refresh would have ended the connection).
    @Test func concurrentCallsRefreshOnce() async throws {
        try await XeroWorld.run { w in
            try await w.connectA()
            await w.fake.script(refreshDelay: .milliseconds(300))
            await w.fake.expireAccessTokens()
            try await w.expireStoredToken(company: w.t.companyA)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<4 { group.addTask { try await w.t.a.get("/api/xero/accounts").status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .ok, count: 4))
            #expect(await w.fake.refreshCount == 1)
            #expect(try await w.t.a.get("/api/xero/status").json["status"] == "connected")
        }
    }

    @Test func aRefusedRefreshTokenMarksTheConnectionForReauthorisation() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            try await w.connectA()
            await w.fake.script(refuseRefresh: true)
            try await w.expireStoredToken(company: t.companyA)
            let refused = try await t.a.get("/api/xero/accounts")
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "xero_reauthorization_required")
            let status = try await t.a.get("/api/xero/status")
            #expect(status.json["status"] == "needs_reauth")
            #expect(status.json["connected"] == false)
            #expect(status.json["reauthReason"] == "invalid_grant")
            // From now on nothing is asked of Xero until the company connects again.
            let asked = await w.fake.grantTypes.count
            #expect(try await t.a.get("/api/xero/contacts").errorCode == "xero_reauthorization_required")
            #expect(try await t.a.get("/api/xero/tenants").errorCode == "xero_reauthorization_required")
            #expect(await w.fake.grantTypes.count == asked)
            await w.fake.script(refuseRefresh: false)
            let reconnected = try await w.connect(t.a, tenants: [(XeroWorld.orgA1, "Kisum Live Ltd"), (XeroWorld.orgA2, "Kisum Touring BV")])
            #expect(reconnected.json["status"] == "connected")
            #expect(reconnected.json["reauthReason"] == .null)
            #expect(reconnected.json["tenantId"]?.uuid == XeroWorld.orgA2, "the organisation chosen before is still reached, so it stays")
            #expect(try await t.a.get("/api/xero/accounts").status == .ok)
        }
    }

    @Test func aStateIsSingleUseAndExpiresAndTheCodeNeedsItsVerifier() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            let start = try await t.a.get("/api/xero/connect")
            let items = XeroWorld.items(start.json["authorizeUrl"]?.stringValue ?? "")
            let state = items["state"] ?? ""
            let code = await w.fake.approve(challenge: items["code_challenge"] ?? "", redirectURI: XeroWorld.redirectURI,
                                            tenants: [(XeroWorld.orgA1, "Kisum Live Ltd")])
            let first = try await w.callback(code: code, state: state)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["tenantId"]?.uuid == XeroWorld.orgA1, "the only organisation is selected")
            let reused = try await w.callback(code: code, state: state)
            #expect(reused.status == .badRequest)
            #expect(reused.errorCode == "invalid_state")
            #expect(try await w.callback(code: code, state: "bm90LWEtc3RhdGUtd2UtaXNzdWVkLWV2ZXItYmVmb3Jl").errorCode == "invalid_state")
            #expect(try await APITestClient(t.raw).get("/api/xero/callback?code=abc").errorCode == "invalid_state")

            // Expired: ten minutes.
            let late = XeroWorld.items(try await t.a.get("/api/xero/connect").json["authorizeUrl"]?.stringValue ?? "")
            try await w.database.query("""
                UPDATE xero_oauth_states SET created_at = clock_timestamp() - interval '20 minutes', expires_at = clock_timestamp() - interval '10 minutes'
                WHERE company_id = \(t.companyA) AND used_at IS NULL
                """)
            let lateCode = await w.fake.approve(challenge: late["code_challenge"] ?? "", redirectURI: XeroWorld.redirectURI, tenants: [])
            #expect(try await w.callback(code: lateCode, state: late["state"] ?? "").errorCode == "invalid_state")

            // A code issued for another challenge: Xero refuses our verifier.
            let other = XeroWorld.items(try await t.a.get("/api/xero/connect").json["authorizeUrl"]?.stringValue ?? "")
            let wrong = await w.fake.approve(challenge: "not-the-challenge-of-this-verifier", redirectURI: XeroWorld.redirectURI, tenants: [])
            let refused = try await w.callback(code: wrong, state: other["state"] ?? "")
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "xero_code_rejected")

            // The user said no at Xero.
            let denied = XeroWorld.items(try await t.a.get("/api/xero/connect").json["authorizeUrl"]?.stringValue ?? "")
            let no = try await APITestClient(t.raw).get("/api/xero/callback?error=access_denied&state=\(denied["state"] ?? "")")
            #expect(no.errorCode == "xero_authorization_denied")
            #expect(try await t.a.get("/api/xero/status").json["tenantId"]?.uuid == XeroWorld.orgA1, "failed callbacks change nothing")
        }
    }

    /// With XERO_APP_URL the browser lands back in the app, told how it went.
    @Test func theCallbackCanSendTheBrowserBackToTheApp() async throws {
        try await XeroWorld.run(appURL: "https://app.kisum.test/settings/integrations") { w in
            let done = try await w.connect(w.t.a, tenants: [(XeroWorld.orgA1, "Kisum Live Ltd")])
            #expect(done.status == .found)
            #expect(done.headers[.location] == "https://app.kisum.test/settings/integrations?xero=connected")
            let failed = try await w.callback(code: "x", state: "unknown-state-value-0123456789")
            #expect(failed.status == .found)
            #expect(failed.headers[.location] == "https://app.kisum.test/settings/integrations?xero=failed&reason=invalid_state")
        }
    }
}
