import Foundation
import KisumRuntime
import KisumTesting
import Testing
import Venue

@Suite("Venue contract")
struct VenueContractTests {
    @Test func everyRouteIsInTheContractAndEveryContractOperationIsRouted() async throws {
        let runtime = try await VenueService.testRuntime(settings: VenueSettings())
        let router = try await VenueService.buildRouter(runtime)
        let report = try ContractCheck.check(router: router, contract: runtime.contract)
        #expect(report.undocumented.isEmpty, "routed but not in contracts/venue.yaml: \(report.undocumented)")
        #expect(report.unrouted.isEmpty, "in contracts/venue.yaml but not routed: \(report.unrouted)")
        #expect(report.problems.isEmpty, "contract problems: \(report.problems)")
        #expect(!report.tags.isEmpty)
    }
}
