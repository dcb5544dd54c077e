import Venue
import KisumTesting
import Testing

/// Issue 17: NOTES.md's route → file table is read from the source and matches the router.
@Suite("Venue route table")
struct VenueRouteTableTests {
    @Test func notesListEveryRouteAndTheFileThatRegistersIt() async throws {
        let problems = try await RouteTable.check(VenueService.self, settings: VenueSettings(), folder: "Venue")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
