import Foundation
import Hummingbird
import KisumKernel

/// `/api/v1/reports`: read-only figures over the company's Venue data (spec "Reports").
struct ReportsRoutes: Sendable {
    typealias Context = VenueService.Context
    let repository: ReportsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let reports = tenant.group("/api/v1/reports")
        reports.get("utilization", use: utilization)
    }

    /// Booked + blocked minutes per (bucket, space). Another company's venueId or spaceId matches none of
    /// the caller's spaces, so it answers an empty report (as list filters answer an empty page), not 404.
    @Sendable func utilization(_ request: Request, context: Context) async throws -> UtilizationReport {
        let scope = try context.tenant(permission: VenuePermission.reportsRead)
        let query = try ReportQuery(request)
        return UtilizationReport(query: query, measured: try await repository.utilization(companyID: scope.companyID, query))
    }
}
