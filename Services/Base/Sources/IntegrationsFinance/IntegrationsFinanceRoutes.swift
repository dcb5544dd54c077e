import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// The company's link to Finance: status, connect, disconnect, and an event's sync (`basic.integrations.read` /
/// `.write`). An event's sync commits, in one transaction, one outbox message per line Finance does not hold yet;
/// the relay (`BaseService.backgroundServices`) delivers them, so Finance being down only delays them.
struct IntegrationsFinanceRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: IntegrationsFinanceRepository
    let sync: FinanceSyncRepository
    let gateway: FinanceGateway

    func addRoutes(to tenant: RouterGroup<Context>) {
        let finance = tenant.group("/api/integrations-finance")
        finance.get("status", use: status)
        finance.post("connect", use: connect)
        finance.delete("disconnect", use: disconnect)
        finance.post("events/{eventId}/sync", use: syncEvent)
    }

    /// Answered whether or not Finance is configured or up (`configured`, `reachable`).
    @Sendable func status(_ request: Request, context: Context) async throws -> FinanceIntegrationStatus {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let connection = try await repository.connection(companyID: scope.companyID)
        let counts = try await repository.counts(companyID: scope.companyID)
        var reachable: Bool?
        if let client = gateway.client { reachable = await client.reachable() }
        return FinanceIntegrationStatus(configured: gateway.configured, reachable: reachable, connection: connection, counts: counts)
    }

    /// Checks that Finance answers for the company and that the named accounts are its own, of the right type and
    /// active, then stores the connection (connecting again replaces the settings).
    @Sendable func connect(_ request: Request, context: Context) async throws -> FinanceIntegrationStatus {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let body = try await request.decodeValidIfPresent(as: ConnectFinance.self, context: context)
            ?? ConnectFinance(incomeAccountId: nil, expenseAccountId: nil, issueInvoices: nil, issueBills: nil)
        _ = try gateway.required()
        var v = Validator()
        let checks = [("incomeAccountId", body.incomeAccountId, "revenue"), ("expenseAccountId", body.expenseAccountId, "expense")]
        for (field, id, type) in checks {
            guard let id else { continue }
            let account = try await gateway.call("GET", "/api/accounts/\(id.uuidString.lowercased())", companyID: scope.companyID)
            if account.status == 404 {
                v.add(field, "account_not_found", "Finance has no such account for this company.")
            } else if account.body["type"]?.stringValue != type {
                _ = try account.answer()
                v.add(field, "account_type_mismatch", "Must be a \(type) account.")
            } else if account.body["active"]?.boolValue == false {
                v.add(field, "account_inactive", "The account is archived in Finance.")
            }
        }
        if body.incomeAccountId == nil, body.expenseAccountId == nil {
            // Nothing to look up: one read proves Finance answers for this company with Base's key.
            _ = try await gateway.call("GET", "/api/accounts", query: [("limit", "1")], companyID: scope.companyID).answer()
        }
        try v.validate()
        let connection = try await repository.connect(companyID: scope.companyID, userID: scope.userID, body)
        let counts = try await repository.counts(companyID: scope.companyID)
        return FinanceIntegrationStatus(configured: true, reachable: true, connection: connection, counts: counts)
    }

    /// Lines already queued are still delivered; a new sync needs a new connection.
    @Sendable func disconnect(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        guard try await repository.disconnect(companyID: scope.companyID) else { throw Self.notConnected }
        return Response(status: .noContent)
    }

    @Sendable func syncEvent(_ request: Request, context: Context) async throws -> EditedResponse<EventFinanceSync> {
        let scope = try context.tenant(permission: BasePermission.integrationsWrite)
        let eventID = try context.parameters.uuid("eventId", what: "event")
        _ = try gateway.required()
        guard try await repository.connection(companyID: scope.companyID) != nil else { throw Self.notConnected }
        let queued = try await sync.enqueue(companyID: scope.companyID, eventID: eventID).orNotFound("event")
        let now = Set(queued.map { "\($0.kind.rawValue):\($0.lineId)" })
        let lines = try await sync.states(companyID: scope.companyID, eventID: eventID).map { state in
            var state = state
            state.queuedNow = now.contains("\(state.kind):\(state.lineId)")
            return state
        }
        return EditedResponse(status: .accepted, response: EventFinanceSync(eventId: eventID, queued: queued.count,
                                                                            unchanged: max(0, lines.count - queued.count), lines: lines))
    }

    static let notConnected = APIError.conflict("finance_not_connected", "The company has not connected Finance (POST /api/integrations-finance/connect).")
}
