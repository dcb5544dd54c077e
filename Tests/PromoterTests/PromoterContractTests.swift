import Foundation
import KisumRuntime
import KisumTesting
import Promoter
import Testing

@Suite("Promoter contract")
struct PromoterContractTests {
    @Test func everyRouteIsInTheContractAndEveryContractOperationIsRouted() async throws {
        let runtime = try await PromoterService.testRuntime(settings: PromoterSettings())
        let router = try await PromoterService.buildRouter(runtime)
        let report = try ContractCheck.check(router: router, contract: runtime.contract)
        #expect(report.undocumented.isEmpty, "routed but not in contracts/promoter.yaml: \(report.undocumented)")
        #expect(report.unrouted.isEmpty, "in contracts/promoter.yaml but not routed: \(report.unrouted)")
        #expect(report.problems.isEmpty, "contract problems: \(report.problems)")
        #expect(!report.tags.isEmpty)
    }
}
