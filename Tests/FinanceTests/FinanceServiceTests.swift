import Finance
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Finance on the shared harness: the kernel routes answer over a migrated database. Feature tests
/// follow the same pattern (see Services/Finance/NOTES.md).
@Suite("Finance service")
struct FinanceServiceTests {
    @Test func healthAndContractAnswerOverAMigratedDatabase() async throws {
        let harness = try await ServiceTestHarness(FinanceService.self, settings: FinanceSettings())
        try await harness.run { client in
            let api = APITestClient(client)
            let ready = try await api.get("/health/ready")
            #expect(ready.status == .ok)
            #expect(ready.json["service"] == "finance")
            #expect(try await api.get("/openapi.yaml").text.hasPrefix("openapi: 3.1"))
            #expect(try await api.request(.delete, "/health/live").status == .methodNotAllowed)
        }
    }
}
