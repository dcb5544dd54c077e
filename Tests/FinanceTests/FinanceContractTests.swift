import Finance
import Foundation
import KisumRuntime
import KisumTesting
import Testing

@Suite("Finance contract")
struct FinanceContractTests {
    @Test func everyRouteIsInTheContractAndEveryContractOperationIsRouted() async throws {
        let runtime = try await FinanceService.testRuntime(settings: FinanceSettings())
        let router = try await FinanceService.buildRouter(runtime)
        let report = try ContractCheck.check(router: router, contract: runtime.contract)
        #expect(report.undocumented.isEmpty, "routed but not in contracts/finance.yaml: \(report.undocumented)")
        #expect(report.unrouted.isEmpty, "in contracts/finance.yaml but not routed: \(report.unrouted)")
        #expect(report.problems.isEmpty, "contract problems: \(report.problems)")
        #expect(!report.tags.isEmpty)
    }
}
