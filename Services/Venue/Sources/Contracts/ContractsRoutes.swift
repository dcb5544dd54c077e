import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// `/api/v1/contracts`: the venue contract lifecycle.
struct ContractsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: ContractsRepository
    let workflow: ContractWorkflow

    func addRoutes(to tenant: RouterGroup<Context>) {
        let contracts = tenant.group("/api/v1/contracts")
        contracts.get("", use: list)
        contracts.post("", use: create)
        contracts.get("{id}", use: get)
        contracts.patch("{id}", use: update)
        contracts.post("{id}/generate", use: generate)
        contracts.get("{id}/document", use: document)
        contracts.post("{id}/send-for-signature", use: send)
        contracts.post("{id}/resend", use: resend)
        contracts.get("{id}/signature-status", use: signatureStatus)
    }

    /// Filters: status, bookingId, dealId, q (title), page, limit.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Contract> {
        let scope = try context.tenant(permission: VenuePermission.contractsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = ContractFilter(status: q.oneOf("status", ContractStatus.all), bookingID: q.uuid("bookingId"),
                                    dealID: q.uuid("dealId"), q: q.search())
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Contract> {
        let scope = try context.tenant(permission: VenuePermission.contractsWrite)
        let body = try await request.decodeValid(as: CreateContract.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Contract {
        let scope = try context.tenant(permission: VenuePermission.contractsRead)
        let id = try context.parameters.uuid("id", what: "contract")
        guard let record = try await repository.get(companyID: scope.companyID, id: id) else { throw APIError.notFound("contract") }
        return record.contract
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Contract {
        let scope = try context.tenant(permission: VenuePermission.contractsWrite)
        let id = try context.parameters.uuid("id", what: "contract")
        let patch = try await request.decodeValid(as: ContractPatch.self, context: context)
        guard let contract = try await workflow.update(companyID: scope.companyID, id: id, patch) else { throw APIError.notFound("contract") }
        return contract
    }

    @Sendable func generate(_ request: Request, context: Context) async throws -> Contract {
        let scope = try context.tenant(permission: VenuePermission.contractsWrite)
        let id = try context.parameters.uuid("id", what: "contract")
        guard let contract = try await workflow.generate(companyID: scope.companyID, id: id) else { throw APIError.notFound("contract") }
        return contract
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: VenuePermission.contractsRead)
        let id = try context.parameters.uuid("id", what: "contract")
        guard let document = try await workflow.document(companyID: scope.companyID, id: id) else { throw APIError.notFound("contract") }
        var headers = HTTPFields()
        headers[.contentType] = ContractDocument.contentType
        headers[.contentDisposition] = "attachment; filename=\"\(document.fileName)\""
        headers[.eTag] = "\"\(document.sha256)\""
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: document.bytes))
    }

    @Sendable func send(_ request: Request, context: Context) async throws -> Contract {
        let scope = try context.tenant(permission: VenuePermission.contractsWrite)
        let id = try context.parameters.uuid("id", what: "contract")
        let body = try await Self.optionalMessage(request, context: context)
        guard let contract = try await workflow.send(companyID: scope.companyID, id: id, message: body.message) else {
            throw APIError.notFound("contract")
        }
        return contract
    }

    @Sendable func resend(_ request: Request, context: Context) async throws -> Contract {
        let scope = try context.tenant(permission: VenuePermission.contractsWrite)
        let id = try context.parameters.uuid("id", what: "contract")
        let body = try await Self.optionalMessage(request, context: context)
        guard let contract = try await workflow.resend(companyID: scope.companyID, id: id, message: body.message) else {
            throw APIError.notFound("contract")
        }
        return contract
    }

    @Sendable func signatureStatus(_ request: Request, context: Context) async throws -> SignatureStatusReport {
        let scope = try context.tenant(permission: VenuePermission.contractsRead)
        let id = try context.parameters.uuid("id", what: "contract")
        guard let report = try await workflow.signatureStatus(companyID: scope.companyID, id: id) else { throw APIError.notFound("contract") }
        return report
    }

    /// The action routes take an optional body: none at all is the same as `{}`.
    private static func optionalMessage(_ request: Request, context: Context) async throws -> SignatureMessage {
        try await request.decodeOptional(as: SignatureMessage.self, context: context, default: SignatureMessage()) { body, v in
            body.validate(&v)
        }
    }
}
