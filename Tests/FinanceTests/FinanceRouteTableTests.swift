import Finance
import KisumTesting
import Testing

/// Issue 17: NOTES.md's route → file table is read from the source and matches the router.
@Suite("Finance route table")
struct FinanceRouteTableTests {
    @Test func notesListEveryRouteAndTheFileThatRegistersIt() async throws {
        let problems = try await RouteTable.check(FinanceService.self, settings: FinanceSettings(), folder: "Finance")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
