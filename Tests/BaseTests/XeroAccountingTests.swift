import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 10, Xero: invoices pushed from income lines (once each) or given in full with exact amounts, an event's
/// sync, permissions (`basic.integrations.read` / `.write`), another company's ids, and an unconfigured provider.
@Suite("Base Xero accounting")
struct XeroAccountingTests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/api/xero/connect"), (.delete, "/api/xero/disconnect"), (.get, "/api/xero/tenants"), (.post, "/api/xero/tenants/select"),
        (.get, "/api/xero/accounts"), (.get, "/api/xero/contacts"), (.post, "/api/xero/invoices"),
        (.get, "/api/xero/invoices/5b1c3e2a-0d4f-4a6b-9c8d-7e6f5a4b3c21"), (.post, "/api/xero/sync"),
    ]

    @Test func withoutConfigurationEveryRouteButStatusAnswers503() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: XeroWorld.permissions, module: BasePermission.module) { t in
            let status = try await t.a.get("/api/xero/status")
            #expect(status.status == .ok)
            #expect(status.json["configured"] == false)
            #expect(status.json["status"] == "not_configured")
            #expect(status.json["connected"] == false)
            let bodies: [String: JSONValue] = ["/api/xero/tenants/select": ["tenantId": .string(UUID().uuidString)],
                                               "/api/xero/invoices": ["incomeId": .string(UUID().uuidString)],
                                               "/api/xero/sync": ["eventId": .string(UUID().uuidString)]]
            for (method, path) in Self.routes {
                let answer = try await t.a.request(method, path, json: bodies[path])
                #expect(answer.status == .serviceUnavailable, "\(method) \(path): \(answer.text)")
                #expect(answer.errorCode == "provider_not_configured")
            }
            let callback = try await APITestClient(t.raw).get("/api/xero/callback?code=a&state=b")
            #expect(callback.errorCode == "provider_not_configured")
        }
    }

    @Test func permissionsAndAnotherCompanysIds() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            try await w.connectA()
            let reader = t.a(permissions: [BasePermission.integrationsRead])
            #expect(try await reader.get("/api/xero/status").status == .ok)
            #expect(try await reader.get("/api/xero/accounts").status == .ok)
            for (method, path) in [(HTTPRequest.Method.get, "/api/xero/connect"), (.delete, "/api/xero/disconnect"),
                                   (.post, "/api/xero/tenants/select"), (.post, "/api/xero/invoices"), (.post, "/api/xero/sync")] {
                #expect(try await reader.request(method, path, json: [:]).status == .forbidden, "\(method) \(path)")
            }
            let outsider = t.a(permissions: [BasePermission.eventsRead])
            for (method, path) in Self.routes + [(.get, "/api/xero/status")] {
                #expect(try await outsider.request(method, path, json: [:]).status == .forbidden, "\(method) \(path)")
            }

            // Company B has no connection yet: nothing of A's is visible.
            #expect(try await t.b.get("/api/xero/status").json["status"] == "not_connected")
            #expect(try await t.b.get("/api/xero/accounts").errorCode == "xero_not_connected")
            try await w.connect(t.b, tenants: [(XeroWorld.orgB, "Other Promoter Ltd")])
            #expect(try await t.b.get("/api/xero/status").json["tenantId"]?.uuid == XeroWorld.orgB)

            let event = try await w.event(company: t.companyA)
            let income = try await w.income(company: t.companyA, event: event, amountMinor: 50_000)
            let pushed = try await t.a.post("/api/xero/invoices", ["incomeId": .string(income.uuidString)])
            let invoice = try #require(pushed.json["invoiceId"]?.uuid, "\(pushed.text)")
            #expect(try await t.a.get("/api/xero/invoices/\(invoice)").status == .ok)
            #expect(try await t.b.get("/api/xero/invoices/\(invoice)").status == .notFound, "B's organisation has no such invoice")
            let foreign = try await t.b.post("/api/xero/invoices", ["incomeId": .string(income.uuidString)])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.errorFields == ["incomeId"])
            #expect(try await t.b.post("/api/xero/sync", ["eventId": .string(event.uuidString)]).status == .notFound)
            #expect(try await t.a.get("/api/xero/invoices/not-a-uuid").status == .notFound)
            #expect(try await t.a.get("/api/xero/invoices/\(UUID())").status == .notFound)
            #expect(await w.fake.invoiceBodies.count == 1)
        }
    }

    @Test func explicitInvoicesCarryExactAmountsAndValidationIsReported() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            try await w.connectA()
            let contact = "00000000-0000-4000-8000-000000000001"
            // Yen have no minor unit, dinars three: the decimal follows the currency's exponent.
            let yen = try await t.a.post("/api/xero/invoices", [
                "contact": ["contactId": .string(contact)], "currency": "JPY", "date": "2027-03-01", "dueDate": "2027-03-31",
                "reference": "Tokyo show", "status": "AUTHORISED",
                "lines": [["description": "Artist fee", "unitAmountMinor": 1_500_000, "accountCode": "200"],
                          ["description": "Merch", "quantity": "2.5", "unitAmountMinor": 1000, "taxType": "NONE"]],
            ])
            #expect(yen.status == .created, "\(yen.text)")
            #expect(yen.json["link"] == .null)
            #expect(yen.json["invoice"]?["totalMinor"] == 1_502_500)
            #expect(yen.json["invoice"]?["status"] == "AUTHORISED")
            #expect(yen.json["invoice"]?["contact"]?["contactId"] == .string(contact))
            var body = try #require(await w.fake.invoiceBodies.last)
            #expect(body.contains(#""UnitAmount":1500000"#))
            #expect(body.contains(#""Quantity":2.5"#))
            #expect(body.contains(#""ContactID":"#) && !body.contains(#""Name":"#), "a contact by id sends no name")
            let dinar = try await t.a.post("/api/xero/invoices", [
                "contact": ["name": "Gulf Events"], "currency": "KWD", "lines": [["description": "Fee", "unitAmountMinor": 1234]],
            ])
            #expect(dinar.status == .created, "\(dinar.text)")
            body = try #require(await w.fake.invoiceBodies.last)
            #expect(body.contains(#""UnitAmount":1.234"#), "\(body)")
            #expect(dinar.json["invoice"]?["totalMinor"] == 1234)
            #expect(dinar.json["invoice"]?["date"]?.stringValue?.count == 10)

            // Xero's refusal is the caller's to fix: 422 with Xero's words.
            let refused = try await t.a.post("/api/xero/invoices", [
                "contact": ["name": "Gulf Events"], "currency": "EUR", "lines": [["description": "Fee", "unitAmountMinor": 100, "accountCode": "999"]],
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorCode == "xero_validation_failed")
            #expect(refused.text.contains("Account code '999'"))

            // Our own rules.
            let empty = try await t.a.post("/api/xero/invoices", [:])
            let required: Set<String> = ["contact", "currency", "lines"]
            #expect(Set(empty.errorFields) == required, "\(empty.text)")
            let mixed = try await t.a.post("/api/xero/invoices", [
                "incomeId": .string(UUID().uuidString), "currency": "EUR", "lines": [["description": "x", "unitAmountMinor": 1]],
            ])
            let notWithIncome: Set<String> = ["lines", "currency"]
            #expect(Set(mixed.errorFields) == notWithIncome)
            let bad = try await t.a.post("/api/xero/invoices", [
                "contact": ["contactId": .string(contact), "name": "Both"], "currency": "XYZ", "date": "2027-02-30", "status": "PAID",
                "lines": [["description": " ", "quantity": "0", "unitAmountMinor": 1, "accountCode": "12345678901"]],
            ])
            let invalid: Set<String> = ["contact", "currency", "date", "status", "lines[0].description", "lines[0].quantity", "lines[0].accountCode"]
            #expect(Set(bad.errorFields) == invalid, "\(bad.text)")
            #expect(try await t.a.post("/api/xero/invoices", ["lines": "none"]).status == .badRequest)
            #expect(try await t.a.post("/api/xero/invoices", ["contact": ["name": "x"], "currency": "EUR",
                                                              "lines": [["description": "x", "unitAmountMinor": 1.5]]]).status == .badRequest)
            let noPayer = try await t.a.post("/api/xero/invoices", [
                "incomeId": .string(try await w.income(company: t.companyA, event: try await w.event(company: t.companyA), amountMinor: 1, payer: nil).uuidString),
            ])
            #expect(noPayer.errorFields == ["contact"])
            #expect(try await t.a.post("/api/xero/tenants/select", ["tenantId": "nope"]).status == .badRequest)
        }
    }

    @Test func aSyncPushesTheEventsUnlinkedIncomeOnce() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            try await w.connectA()
            let event = try await w.event(company: t.companyA, name: "Dockside Festival", date: "2027-08-01")
            let guarantee = try await w.income(company: t.companyA, event: event, amountMinor: 250_000, expected: "2027-08-15")
            let sponsor = try await w.income(company: t.companyA, event: event, amountMinor: 99_999, currency: "GBP", payer: "Brew Co",
                                             description: "Sponsorship", expected: "2027-07-01")
            let orphan = try await w.income(company: t.companyA, event: event, amountMinor: 1_000, payer: nil, description: "Bar", expected: "2027-08-02")
            #expect(try await t.a.post("/api/xero/invoices", ["incomeId": .string(guarantee.uuidString)]).status == .created)

            let sync = try await t.a.post("/api/xero/sync", ["eventId": .string(event.uuidString), "accountCode": "200", "status": "DRAFT"])
            #expect(sync.status == .ok, "\(sync.text)")
            #expect(sync.json["lines"] == 3)
            #expect(sync.json["alreadyLinked"] == 1)
            #expect(sync.json["pushed"] == 1)
            #expect(sync.json["failed"] == 1)
            #expect(sync.json["remaining"] == 0)
            let results = sync.json["results"]?.arrayValue ?? []
            #expect(results.first { $0["incomeId"]?.uuid == sponsor }?["outcome"] == "pushed")
            #expect(results.first { $0["incomeId"]?.uuid == orphan }?["outcome"] == "failed")
            let body = try #require(await w.fake.invoiceBodies.last)
            #expect(body.contains(#""UnitAmount":999.99"#) && body.contains(#""CurrencyCode":"GBP""#), "\(body)")

            let again = try await t.a.post("/api/xero/sync", ["eventId": .string(event.uuidString)])
            #expect(again.json["alreadyLinked"] == 2)
            #expect(again.json["pushed"] == 0)
            #expect(again.json["failed"] == 1)
            #expect(await w.fake.invoiceBodies.count == 2, "one push, one sync batch: nothing twice")
            #expect(try await t.a.post("/api/xero/sync", ["eventId": .string(UUID().uuidString)]).status == .notFound)
            #expect(try await t.a.post("/api/xero/sync", ["eventId": .string(event.uuidString), "taxType": ""]).errorFields == ["taxType"])
        }
    }

    @Test func disconnectRevokesAtXeroAndForgetsTheTokens() async throws {
        try await XeroWorld.run { w in
            let t = w.t
            try await w.connectA()
            #expect(try await t.a.delete("/api/xero/disconnect").status == .noContent)
            #expect(await w.fake.revoked.count == 1)
            #expect(await w.fake.revoked.first?.hasPrefix("xrt-") == true, "the refresh token is revoked")
            #expect(try await w.storedTokens(company: t.companyA) == nil)
            #expect(try await t.a.get("/api/xero/status").json["status"] == "not_connected")
            #expect(try await t.a.get("/api/xero/accounts").errorCode == "xero_not_connected")
            #expect(try await t.a.delete("/api/xero/disconnect").status == .noContent)
        }
    }
}

/// The amounts' conversions and the settings, without a server.
@Suite("Base Xero units")
struct XeroUnitTests {
    @Test func settingsNeedTheSecretTheRedirectAndAKeyOnceAClientIsNamed() {
        var none = EnvironmentReader([:])
        #expect(BaseService.loadSettings(from: &none).xero == nil)
        #expect(none.problems.isEmpty)
        var partial = EnvironmentReader(["XERO_CLIENT_ID": "abc", "XERO_TOKEN_KEY": "c2hvcnQ="])
        #expect(BaseService.loadSettings(from: &partial).xero == nil)
        #expect(partial.problems.count == 3, "\(partial.problems)")
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        var full = EnvironmentReader(["XERO_CLIENT_ID": "abc", "XERO_CLIENT_SECRET": "s3cret", "XERO_TOKEN_KEY": key,
                                      "XERO_REDIRECT_URI": "https://kisum.example/base/api/xero/callback"])
        let settings = BaseService.loadSettings(from: &full).xero
        #expect(full.problems.isEmpty)
        #expect(settings?.tokenURL == "https://identity.xero.com/connect/token")
        #expect(settings?.apiURL == "https://api.xero.com")
        #expect(settings.map { !"\($0)".contains("s3cret") } == true, "the secret is never printed")
    }
}
