import Foundation
import KisumRuntime
import KisumTesting
import PlatformCore
import Testing

@Suite("PlatformCore contract")
struct PlatformCoreContractTests {
    @Test func everyRouteIsInTheContractAndEveryContractOperationIsRouted() async throws {
        let runtime = try await PlatformCoreService.testRuntime(settings: PlatformCoreSettings())
        let router = try await PlatformCoreService.buildRouter(runtime)
        let report = try ContractCheck.check(router: router, contract: runtime.contract)
        #expect(report.undocumented.isEmpty, "routed but not in contracts/platform-core.yaml: \(report.undocumented)")
        #expect(report.unrouted.isEmpty, "in contracts/platform-core.yaml but not routed: \(report.unrouted)")
        #expect(report.problems.isEmpty, "contract problems: \(report.problems)")
        #expect(!report.tags.isEmpty)
    }
}
