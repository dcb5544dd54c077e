import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// Finance's invoices, bills, payments and chart of accounts, read and created through Base in machine mode (Base's
/// internal key, `x-org` = the caller's company): reads take `basic.integrations.read`, creates
/// `basic.integrations.write`. Finance's answers pass through unchanged, its 4xx with the same status and code; not
/// configured → 503 `provider_not_configured`, not answering → 503 `finance_unavailable`.
struct FinanceRecordsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: IntegrationsFinanceRepository
    let gateway: FinanceGateway

    func addRoutes(to tenant: RouterGroup<Context>) {
        let finance = tenant.group("/api/integrations-finance")
        finance.get("invoices", use: listInvoices)
        finance.post("invoices", use: createInvoice)
        finance.get("invoices/{id}", use: getInvoice)
        finance.get("bills", use: listBills)
        finance.post("bills", use: createBill)
        finance.get("payments", use: listPayments)
        finance.get("accounts", use: listAccounts)
    }

    @Sendable func listInvoices(_ request: Request, context: Context) async throws -> FinanceJSON {
        try await listDocuments(.income, request, context)
    }

    @Sendable func listBills(_ request: Request, context: Context) async throws -> FinanceJSON {
        try await listDocuments(.expense, request, context)
    }

    @Sendable func getInvoice(_ request: Request, context: Context) async throws -> FinanceJSON {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let id = try context.parameters.uuid("id", what: "invoice")
        let reply = try await gateway.call("GET", "/api/income/\(id.uuidString.lowercased())", companyID: scope.companyID)
        return FinanceJSON(value: try reply.answer())
    }

    @Sendable func createInvoice(_ request: Request, context: Context) async throws -> EditedResponse<FinanceJSON> {
        try await createDocument(.income, request, context)
    }

    @Sendable func createBill(_ request: Request, context: Context) async throws -> EditedResponse<FinanceJSON> {
        try await createDocument(.expense, request, context)
    }

    /// `kind` (income | bill), `documentId`, `currency`, `method`, `paidFrom`/`paidTo` (UTC days), `page`, `limit`.
    @Sendable func listPayments(_ request: Request, context: Context) async throws -> FinanceJSON {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        var q = QueryReader(request)
        var query = Self.paging(q.page())
        Self.add(&query, "kind", q.oneOf("kind", ["income", "bill"]))
        Self.add(&query, "documentId", q.uuid("documentId")?.uuidString.lowercased())
        Self.add(&query, "currency", q.currency("currency"))
        Self.add(&query, "method", q.oneOf("method", ["bank_transfer", "card", "cash", "cheque", "other"]))
        Self.add(&query, "paidFrom", q.calendarDate("paidFrom"))
        Self.add(&query, "paidTo", q.calendarDate("paidTo"))
        try q.validate()
        return FinanceJSON(value: try await gateway.call("GET", "/api/payments", query: query, companyID: scope.companyID).answer())
    }

    /// `type`, `active`, `q`, `page`, `limit` (at most 200: a chart is read whole).
    @Sendable func listAccounts(_ request: Request, context: Context) async throws -> FinanceJSON {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        var q = QueryReader(request)
        var query = Self.paging(q.page(defaultLimit: 100, maxLimit: 200))
        Self.add(&query, "type", q.oneOf("type", ["revenue", "expense", "asset", "liability"]))
        Self.add(&query, "active", q.bool("active").map { $0 ? "true" : "false" })
        Self.add(&query, "q", q.search("q", maxLength: 100))
        try q.validate()
        return FinanceJSON(value: try await gateway.call("GET", "/api/accounts", query: query, companyID: scope.companyID).answer())
    }

    /// Finance's filters of its document lists, checked here with the same types and bounds.
    func listDocuments(_ kind: FinanceLineKind, _ request: Request, _ context: Context) async throws -> FinanceJSON {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        var q = QueryReader(request)
        var query = Self.paging(q.page())
        Self.add(&query, "status", q.oneOf("status", ["draft", "issued", "partially_paid", "paid", "void"]))
        Self.add(&query, kind.party, q.search(kind.party, maxLength: 200))
        Self.add(&query, "source", q.search("source", maxLength: 40))
        Self.add(&query, "sourceRef", q.search("sourceRef", maxLength: 100))
        Self.add(&query, "currency", q.currency("currency"))
        Self.add(&query, "overdue", q.bool("overdue").map { $0 ? "true" : "false" })
        for name in ["issuedFrom", "issuedTo", "dueFrom", "dueTo"] { Self.add(&query, name, q.calendarDate(name)) }
        try q.validate()
        return FinanceJSON(value: try await gateway.call("GET", kind.path, query: query, companyID: scope.companyID).answer())
    }

    /// Needs the company's connection (its default account is used when the body names none). The caller's
    /// `Idempotency-Key` goes to Finance: a retry under it answers the first document.
    func createDocument(_ kind: FinanceLineKind, _ request: Request, _ context: Context) async throws -> EditedResponse<FinanceJSON> {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let body = try await request.decodeJSON(as: FinanceDocumentInput.self, context: context)
        _ = try gateway.required()
        guard let connection = try await repository.connection(companyID: scope.companyID) else {
            throw IntegrationsFinanceRoutes.notConnected
        }
        let account = kind == .income ? connection.incomeAccountId : connection.expenseAccountId
        let reply = try await gateway.call("POST", kind.path, body: try body.forwarded(defaultAccount: account), companyID: scope.companyID,
                                           idempotencyKey: Self.idempotencyKey(request))
        return EditedResponse(status: .created, response: FinanceJSON(value: try reply.answer()))
    }

    /// The caller's `Idempotency-Key`, passed on as sent (Finance checks its form: 400 `invalid_idempotency_key`).
    static func idempotencyKey(_ request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value
    }

    static func paging(_ page: PageRequest) -> [(String, String)] {
        [("page", String(page.page)), ("limit", String(page.limit))]
    }

    static func add(_ query: inout [(String, String)], _ name: String, _ value: String?) {
        if let value { query.append((name, value)) }
    }
}
