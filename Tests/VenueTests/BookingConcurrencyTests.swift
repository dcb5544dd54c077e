import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import Testing
@testable import Venue

/// The no-double-booking invariant under real concurrent transactions, straight at the repository
/// (the HTTP variant is in BookingsTests).
@Suite("Booking concurrency")
struct BookingConcurrencyTests {
    @Test func overlappingConcurrentRequestsNeverBothCommit() async throws {
        let env = try await VenueTestEnvironment()
        let database = env.database
        let company = env.companyA
        let user = env.userA
        do {
            // The harness runs the pool for the whole test.
            let venue = try await VenuesRepository(database: database)
                .create(companyID: company, CreateVenue(name: "Race Hall"), status: "active", claimable: false)
            let space = try await SpacesRepository(database: database)
                .create(companyID: company, CreateSpace(venueId: venue.id, name: "Stage"))
            let repository = BookingsRepository(database: database)
            let base = slotBase
            // 24 requests whose windows overlap in a chain: [i/2 h, i/2 h + 2 h).
            let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let start = base.addingTimeInterval(Double(index) * 1800)
                        let input = CreateBooking(spaceIds: [space.id], marketCompanyId: UUID(), startAt: start,
                                                  endAt: start.addingTimeInterval(7200))
                        do {
                            _ = try await repository.create(companyID: company, userID: user, input, promoterEventID: nil)
                            return (index, true)
                        } catch let error as APIError where error.code == "space_conflict" {
                            return (index, false)
                        } catch {
                            Issue.record("booking \(index) failed with \(String(reflecting: error))")
                            return (index, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let accepted = results.filter(\.value).map(\.key).sorted()
            #expect(!accepted.isEmpty)
            #expect(accepted.count < 24)
            // Accepted windows are pairwise disjoint: starts at least 2 h (4 slots) apart.
            for (a, b) in zip(accepted, accepted.dropFirst()) {
                #expect(b - a >= 4, "bookings \(a) and \(b) overlap: \(accepted)")
            }
            let stored = try await repository.list(companyID: company, BookingFilter(spaceID: space.id), page: PageRequest(page: 1, limit: 100))
            #expect(stored.total == accepted.count)
        }
    }
}
