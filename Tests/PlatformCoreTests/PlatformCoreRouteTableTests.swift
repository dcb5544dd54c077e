import KisumTesting
import PlatformCore
import Testing

/// Issue 17: NOTES.md's route → file table is read from the source and matches the router.
@Suite("PlatformCore route table")
struct PlatformCoreRouteTableTests {
    @Test func notesListEveryRouteAndTheFileThatRegistersIt() async throws {
        let problems = try await RouteTable.check(PlatformCoreService.self, settings: PlatformCoreSettings(), folder: "PlatformCore")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
