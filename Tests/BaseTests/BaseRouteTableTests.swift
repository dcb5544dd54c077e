import Base
import KisumTesting
import Testing

/// Issue 17: NOTES.md's route → file table is read from the source and matches the router.
@Suite("Base route table")
struct BaseRouteTableTests {
    @Test func notesListEveryRouteAndTheFileThatRegistersIt() async throws {
        let problems = try await RouteTable.check(BaseService.self, settings: BaseSettings(), folder: "Base")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
