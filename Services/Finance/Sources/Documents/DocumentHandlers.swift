import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The handlers of one kind of document; `IncomeRoutes` and `BillsRoutes` mount one each. Tenants need
/// the kind's permission; machine callers (internal key + `x-org`) hold all of Finance's, and are
/// recorded as no one (`createdBy` null).
struct DocumentHandlers: Sendable {
    typealias Context = FinanceService.Context
    let kind: DocumentKind
    let documents: DocumentsRepository
    let payments: PaymentsRepository

    /// Filters: ids (comma-separated, at most 100), status, customer (income) / supplier (bills): its exact ref or part of its name, source,
    /// sourceRef, currency, overdue, issuedFrom/issuedTo, dueFrom/dueTo (calendar days), page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<FinanceDocument> {
        let scope = try context.tenant(permission: kind.readPermission)
        var q = QueryReader(request)
        let page = q.page()
        let filter = DocumentFilter(
            ids: q.uuidList("ids", in: request, max: 100), status: q.oneOf("status", DocumentStatus.all), party: q.search(kind.party, maxLength: 200),
            source: q.search("source", maxLength: 40), sourceRef: q.search("sourceRef", maxLength: 100),
            currency: q.search("currency", maxLength: 3), overdue: q.bool("overdue"),
            issuedFrom: q.calendarDate("issuedFrom"), issuedTo: q.calendarDate("issuedTo"),
            dueFrom: q.calendarDate("dueFrom"), dueTo: q.calendarDate("dueTo"))
        try q.validate()
        let result = try await documents.list(companyID: scope.companyID, kind: kind, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `Idempotency-Key` (or `sourceRef`) makes a retry safe: the same request answers the same 201 with
    /// `Idempotent-Replayed: true`; another request under the key is 409 `idempotency_conflict`.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: kind.writePermission)
        let machine = context.kisum.internalCaller
        let kind = self.kind
        let body = try await request.decode(as: CreateDocument.self, context: context) { body, v in
            body.validate(&v, kind: kind, machine: machine)
        }
        let key = try Self.idempotencyKey(request, sourceRef: body.sourceRef)
        let created = try await documents.create(companyID: scope.companyID, kind: kind, createdBy: machine ? nil : scope.userID,
                                                 body, key: key)
        return try Self.created(created.document, replayed: created.replayed, request: request, context: context)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> FinanceDocument {
        let scope = try context.tenant(permission: kind.readPermission)
        let id = try context.parameters.uuid("id", what: kind.what)
        return try await documents.get(companyID: scope.companyID, kind: kind, id: id).orNotFound(kind.what)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> FinanceDocument {
        let scope = try context.tenant(permission: kind.writePermission)
        let id = try context.parameters.uuid("id", what: kind.what)
        let kind = self.kind
        let patch = try await request.decode(as: DocumentPatch.self, context: context) { body, v in body.validate(&v, kind: kind) }
        return try await documents.update(companyID: scope.companyID, kind: kind, id: id, patch).orNotFound(kind.what)
    }

    /// `Idempotency-Key` makes a retried payment safe: the same request answers the first payment again
    /// (201, `Idempotent-Replayed: true`), another one under the key is 409 `idempotency_conflict`.
    @Sendable func pay(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: FinancePermission.paymentsWrite)
        let id = try context.parameters.uuid("id", what: kind.what)
        let body = try await request.decodeValid(as: CreatePayment.self, context: context)
        let key = try Self.idempotencyKey(request, sourceRef: nil)
        let createdBy = context.kisum.internalCaller ? nil : scope.userID
        let result = try await payments.create(companyID: scope.companyID, kind: kind, documentID: id, createdBy: createdBy, body, key: key)
            .orNotFound(kind.what)
        return try Self.created(result.receipt, replayed: result.replayed, request: request, context: context)
    }

    /// 201 with the body, marked as a replay when an earlier request under the same key made it.
    static func created(_ body: some ResponseEncodable, replayed: Bool, request: Request, context: Context) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = .created
        if replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }

    /// The header wins; a body `sourceRef` that names another key is a mistake worth refusing.
    static func idempotencyKey(_ request: Request, sourceRef: String?) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return sourceRef }
        // Printable ASCII, no space at either end: what every HTTP client can send unchanged.
        let bytes = Array(key.utf8)
        guard (1...100).contains(bytes.count), bytes.allSatisfy({ (0x20...0x7E).contains($0) }),
              bytes.first != 0x20, bytes.last != 0x20 else {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 100 printable ASCII characters.")
        }
        if let sourceRef, sourceRef != key {
            throw APIError.validation(field: "sourceRef", code: "idempotency_key_mismatch", message: "sourceRef and Idempotency-Key differ.")
        }
        return key
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
