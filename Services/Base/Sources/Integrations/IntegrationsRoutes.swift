import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/integrations` and `POST /api/integrations/{provider}/connect`. Connecting Finance or Xero is their own
/// connect handler (the same code as `POST /api/integrations-finance/connect` and `GET /api/xero/connect`); platform
/// providers have nothing a company connects, which is a 409 naming that, not a pretend success.
struct IntegrationsRoutes: Sendable {
    typealias Context = BaseService.Context
    let finance: IntegrationsFinanceRoutes
    let xero: XeroRoutes
    let platform: [PlatformIntegration]

    static let companyProviders = ["finance", "xero"]

    func addRoutes(to tenant: RouterGroup<Context>) {
        let integrations = tenant.group("/api/integrations")
        integrations.get("", use: list)
        integrations.post("{provider}/connect", use: connect)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> IntegrationList {
        let scope = try context.tenant(permission: BasePermission.integrationsRead)
        let financeConnection = try await finance.repository.connection(companyID: scope.companyID)
        let xeroStatus = try await XeroSession.status(xero.xero.repository, companyID: scope.companyID, configured: xero.xero.session != nil)
        let financeConfigured = finance.gateway.configured
        let financeState = IntegrationState(
            provider: "finance", name: "Kisum Finance", scope: "company", configured: financeConfigured, connected: financeConnection != nil,
            status: financeConnection != nil ? "connected" : (financeConfigured ? "not_connected" : "not_configured"),
            connectedAt: financeConnection?.connectedAt, path: "/api/integrations-finance")
        let xeroState = IntegrationState(
            provider: "xero", name: "Xero", scope: "company", configured: xeroStatus.configured, connected: xeroStatus.connected,
            status: xeroStatus.status, connectedAt: xeroStatus.connectedAt, path: "/api/xero")
        return IntegrationList(items: [financeState, xeroState] + platform.map(\.state))
    }

    /// finance: the body is Finance's connect body (optional); xero: answers the consent URL (`?redirect=true` → 302).
    @Sendable func connect(_ request: Request, context: Context) async throws -> Response {
        try context.require(permission: BasePermission.integrationsWrite)
        let provider = try context.parameters.require("provider")
        switch provider {
        case "finance":
            let status = try await finance.connect(request, context: context)
            return try context.responseEncoder.encode(status, from: request, context: context)
        case "xero":
            return try await xero.connect(request, context: context)
        default:
            guard let known = platform.first(where: { $0.provider == provider }) else { throw APIError.notFound("integration") }
            throw APIError.conflict(
                "configured_by_platform", "\(known.name) is configured by the platform operator for every company; there is nothing to connect.",
                info: ["provider": .string(known.provider), "configured": .bool(known.configured)])
        }
    }
}
