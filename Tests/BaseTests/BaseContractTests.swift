import Base
import Foundation
import KisumRuntime
import KisumTesting
import Testing

@Suite("Base contract")
struct BaseContractTests {
    @Test func everyRouteIsInTheContractAndEveryContractOperationIsRouted() async throws {
        let runtime = try await BaseService.testRuntime(settings: BaseSettings())
        let router = try await BaseService.buildRouter(runtime)
        let report = try ContractCheck.check(router: router, contract: runtime.contract)
        #expect(report.undocumented.isEmpty, "routed but not in contracts/base.yaml: \(report.undocumented)")
        #expect(report.unrouted.isEmpty, "in contracts/base.yaml but not routed: \(report.unrouted)")
        #expect(report.problems.isEmpty, "contract problems: \(report.problems)")
        #expect(!report.tags.isEmpty)
    }
}
