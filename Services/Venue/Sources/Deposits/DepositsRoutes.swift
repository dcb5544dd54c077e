import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/deposits`: the deposits a venue expects, each synced to a Finance income invoice.
struct DepositsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: DepositsRepository
    let finance: DepositFinanceReader

    func addRoutes(to tenant: RouterGroup<Context>) {
        let deposits = tenant.group("/api/v1/deposits")
        deposits.get("", use: list)
        deposits.post("", use: create)
        deposits.get("{id}", use: get)
        deposits.patch("{id}", use: update)
    }

    /// Filters: eventId, bookingId, status, financeSyncStatus, page, limit. Finance's status and paid
    /// total of the whole page come from one Finance call.
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Deposit> {
        let scope = try context.tenant(permission: VenuePermission.depositsRead)
        var q = QueryReader(request)
        let page = q.page()
        let filter = DepositFilter(eventID: q.uuid("eventId"), bookingID: q.uuid("bookingId"), status: q.oneOf("status", DepositStatus.all),
                                   syncStatus: q.oneOf("financeSyncStatus", ["pending", "synced", "failed"]))
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, filter, page: page)
        let items = await finance.refreshed(result.items, companyID: scope.companyID, logger: context.logger)
        return Page(items: items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Deposit> {
        let scope = try context.tenant(permission: VenuePermission.depositsWrite)
        let body = try await request.decodeValid(as: CreateDeposit.self, context: context)
        return EditedResponse(status: .created, response: try await repository.create(companyID: scope.companyID, userID: scope.userID, body))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Deposit {
        let scope = try context.tenant(permission: VenuePermission.depositsRead)
        let id = try context.parameters.uuid("id", what: "deposit")
        let deposit = try await repository.get(companyID: scope.companyID, id: id).orNotFound("deposit")
        return await finance.refreshed([deposit], companyID: scope.companyID, logger: context.logger).first ?? deposit
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Deposit {
        let scope = try context.tenant(permission: VenuePermission.depositsWrite)
        let id = try context.parameters.uuid("id", what: "deposit")
        let patch = try await request.decodeValid(as: DepositPatch.self, context: context)
        return try await repository.update(companyID: scope.companyID, id: id, patch).orNotFound("deposit")
    }
}
