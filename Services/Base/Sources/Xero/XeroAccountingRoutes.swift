import Crypto
import Foundation
import Hummingbird
import KisumKernel

/// The accounting side, read through from the selected Xero organisation (nothing cached): the chart of accounts,
/// contacts, invoices pushed from income lines (once per line) or given in full, one invoice read back, and an
/// event's sync (`basic.integrations.read` / `.write`).
struct XeroAccountingRoutes: Sendable {
    typealias Context = BaseService.Context
    let xero: XeroIntegration

    func addRoutes(to tenant: RouterGroup<Context>) {
        let routes = tenant.group("/api/xero")
        routes.get("accounts", use: accounts)
        routes.get("contacts", use: contacts)
        routes.post("invoices", use: pushInvoice)
        routes.get("invoices/{id}", use: invoice)
        routes.post("sync", use: sync)
    }

    @Sendable func accounts(_ request: Request, context: Context) async throws -> XeroAccountList {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let session = try xero.requireSession()
        let items = try await session.withAccess(companyID: scope.companyID) { try await session.provider.accounts($0) }
        return XeroAccountList(items: items, total: items.count)
    }

    /// Xero's paging: `page` (from 1) and `limit` (Xero's pageSize, ≤ 1,000), `q` Xero's searchTerm.
    @Sendable func contacts(_ request: Request, context: Context) async throws -> XeroContactPage {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        var query = QueryReader(request)
        let page = query.int("page", range: 1...100_000) ?? 1
        let limit = query.int("limit", range: 1...1000) ?? 100
        let search = query.search("q", maxLength: 100)
        try query.validate()
        let session = try xero.requireSession()
        return try await session.withAccess(companyID: scope.companyID) {
            try await session.provider.contacts($0, page: page, pageSize: limit, search: search)
        }
    }

    @Sendable func invoice(_ request: Request, context: Context) async throws -> XeroInvoice {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let id = try context.parameters.uuid("id", what: "Xero invoice")
        let session = try xero.requireSession()
        return try await session.withAccess(companyID: scope.companyID) { try await session.provider.invoice(id: id, access: $0) }
            .orNotFound("Xero invoice")
    }

    /// 201 with the created invoice; for an income line pushed before, 200 with its link (`created` false).
    @Sendable func pushInvoice(_ request: Request, context: Context) async throws -> EditedResponse<XeroInvoicePushResult> {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let body = try await request.decodeValid(as: XeroInvoiceRequest.self, context: context)
        let session = try xero.requireSession()
        let today = XeroRules.today()
        guard let incomeID = body.incomeId else {
            // An explicit invoice may be meant twice (two equal invoices on one day): its key covers this request's
            // retries only.
            let draft = body.draft(today: today)
            let key = "kisum-" + UUID().uuidString.lowercased()
            let result = try await session.withAccess(companyID: scope.companyID) { access in
                try await session.provider.createInvoices([draft], access: access, idempotencyKey: key)
            }
            let invoice = try Self.created(result.first)
            return EditedResponse(status: .created, response: XeroInvoicePushResult(created: true, invoiceId: invoice.invoiceId,
                                                                                    invoiceNumber: invoice.invoiceNumber, link: nil, invoice: invoice))
        }
        let defaults = IncomeInvoiceDefaults(body)
        var existing: XeroInvoiceLink?
        var createdInvoice: XeroInvoice?
        // The token is taken (and refreshed) before the line's lock and its transaction, and a refused token is
        // refreshed after the rollback: a transaction never waits for a second pooled connection.
        let links = try await session.withAccess(companyID: scope.companyID) { access in
            existing = nil
            createdInvoice = nil
            return try await xero.repository.pushing(companyID: scope.companyID, userID: scope.userID, incomeIDs: [incomeID]) { lines in
                guard let line = lines.first else {
                    throw APIError.validation(field: "incomeId", code: "unknown_income", message: "The company has no such income line.")
                }
                if let link = line.link {
                    existing = link
                    return (nil, [])
                }
                let draft = try defaults.draft(for: line, today: today).get()
                let result = try await session.provider.createInvoices([draft], access: access,
                                                                       idempotencyKey: Self.idempotencyKey([draft], access, scope.companyID))
                let invoice = try Self.created(result.first)
                createdInvoice = invoice
                return (access.tenantID, [(line.id, invoice.invoiceId, invoice.invoiceNumber)])
            }.created
        }
        if let existing {
            return EditedResponse(status: .ok, response: XeroInvoicePushResult(created: false, invoiceId: existing.xeroInvoiceId,
                                                                               invoiceNumber: existing.invoiceNumber, link: existing, invoice: nil))
        }
        guard let invoice = createdInvoice, let link = links.first else { throw APIError.internalError }
        return EditedResponse(status: .created, response: XeroInvoicePushResult(created: true, invoiceId: invoice.invoiceId,
                                                                                invoiceNumber: invoice.invoiceNumber, link: link, invoice: invoice))
    }

    /// Pushes the event's income lines that have no invoice yet, 50 to a Xero call, at most `XeroRules.maxSyncLines`
    /// per request (`remaining` says how many are left). Each batch commits on its own: if Xero fails midway the
    /// request answers the failure and a new sync carries on where it stopped. A line Xero refuses is `failed` with
    /// Xero's reasons and stays unlinked.
    @Sendable func sync(_ request: Request, context: Context) async throws -> XeroSyncResult {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let body = try await request.decodeValid(as: XeroSyncRequest.self, context: context)
        let session = try xero.requireSession()
        let (total, unlinked) = try await xero.repository.eventIncome(companyID: scope.companyID, eventID: body.eventId).orNotFound("event")
        let now = Array(unlinked.prefix(XeroRules.maxSyncLines))
        var results: [XeroSyncResult.Line] = []
        var linkedMeanwhile = 0
        for start in stride(from: 0, to: now.count, by: XeroRules.batchSize) {
            let chunk = Array(now[start..<min(start + XeroRules.batchSize, now.count)])
            // As for one push: the token before the transaction, a refused one refreshed after the rollback.
            let batch = try await session.withAccess(companyID: scope.companyID) { access in
                try await pushBatch(chunk, access: access, scope: scope, defaults: IncomeInvoiceDefaults(body), session: session)
            }
            results += batch.results
            linkedMeanwhile += batch.linked
        }
        return XeroSyncResult(eventId: body.eventId, lines: total, alreadyLinked: total - unlinked.count + linkedMeanwhile,
                              pushed: results.count { $0.outcome == "pushed" }, failed: results.count { $0.outcome == "failed" },
                              remaining: unlinked.count - now.count, results: results)
    }

    /// One Xero call for up to 50 lines, under their locks; lines linked meanwhile are counted, not pushed.
    private func pushBatch(_ chunk: [UUID], access: ProviderAccess, scope: (companyID: UUID, userID: UUID), defaults: IncomeInvoiceDefaults,
                           session: XeroSession) async throws -> (results: [XeroSyncResult.Line], linked: Int) {
        var results: [XeroSyncResult.Line] = []
        var linked = 0
        let today = XeroRules.today()
        _ = try await xero.repository.pushing(companyID: scope.companyID, userID: scope.userID, incomeIDs: chunk) { lines in
            var drafts: [(line: XeroRepository.IncomeLine, draft: InvoiceDraft)] = []
            for line in lines {
                if line.link != nil {
                    linked += 1
                    continue
                }
                switch defaults.draft(for: line, today: today) {
                case .success(let draft): drafts.append((line, draft))
                case .failure(let error):
                    results.append(.init(incomeId: line.id, outcome: "failed", invoiceId: nil, invoiceNumber: nil, errors: [error.message]))
                }
            }
            guard !drafts.isEmpty else { return (nil, []) }
            let outcome = try await session.provider.createInvoices(drafts.map(\.draft), access: access,
                                                                    idempotencyKey: Self.idempotencyKey(drafts.map(\.draft), access, scope.companyID))
            var created: [(incomeID: UUID, invoiceID: UUID, number: String?)] = []
            for (entry, result) in zip(drafts, outcome) {
                switch result {
                case .created(let invoice):
                    created.append((entry.line.id, invoice.invoiceId, invoice.invoiceNumber))
                    results.append(.init(incomeId: entry.line.id, outcome: "pushed", invoiceId: invoice.invoiceId,
                                         invoiceNumber: invoice.invoiceNumber, errors: []))
                case .refused(let reasons):
                    results.append(.init(incomeId: entry.line.id, outcome: "failed", invoiceId: nil, invoiceNumber: nil,
                                         errors: reasons.prefix(20).map { String($0.prefix(500)) }))
                }
            }
            return (access.tenantID, created)
        }
        return (results, linked)
    }

    static func created(_ result: InvoiceResult?) throws -> XeroInvoice {
        switch result {
        case .created(let invoice): return invoice
        case .refused(let reasons): throw AccountingProviderError.validation(reasons)
        case nil: throw AccountingProviderError.invalidResponse("no invoice answered")
        }
    }

    /// Income lines' invoices: the same invoices for the same organisation make the same key, so a push repeated after
    /// a lost answer (or a crash before the link was stored) gets Xero's first invoices back instead of duplicates;
    /// changed content (a corrected account code) makes a new key.
    static func idempotencyKey(_ drafts: [InvoiceDraft], _ access: ProviderAccess, _ companyID: UUID) -> String {
        let material = "\(companyID.uuidString.lowercased())|\(access.tenantID.uuidString.lowercased())|\(drafts)"
        return "kisum-" + SHA256.hash(data: Data(material.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension XeroRules {
    /// Today in UTC, `YYYY-MM-DD` (an invoice's default date).
    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
