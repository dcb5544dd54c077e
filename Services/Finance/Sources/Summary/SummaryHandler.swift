import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/income/summary` and `GET /api/bills/summary`, read with the kind's read permission.
struct SummaryHandler: Sendable {
    let kind: DocumentKind
    let repository: SummaryRepository

    @Sendable func summary(_ request: Request, context: FinanceService.Context) async throws -> FinanceSummary {
        let scope = try context.tenant(permission: kind.readPermission)
        let query = try SummaryQuery(request, kind: kind)
        return try await repository.summary(companyID: scope.companyID, kind: kind, query)
    }
}
