import Promoter
import KisumTesting
import Testing

/// Issue 17: NOTES.md's route → file table is read from the source and matches the router.
@Suite("Promoter route table")
struct PromoterRouteTableTests {
    @Test func notesListEveryRouteAndTheFileThatRegistersIt() async throws {
        let problems = try await RouteTable.check(PromoterService.self, settings: PromoterSettings(), folder: "Promoter")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
