import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 8: "stats … computed from stored data". The stored snapshot must never hide a show: a refresh that runs
/// while a show is being written waits for it (the per-artist advisory lock of migration 0004) and counts it.
@Suite("Artist insights: the stats snapshot under concurrent writes")
struct ArtistInsightsSnapshotTests {
    @Test func aRefreshWaitsForAnUncommittedShowAndCountsIt() async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: artistPermissions, module: "basic") { t in
            let artist = try await t.artist()
            try await t.a.post("/api/artists/\(artist)/historical", ["performedOn": "2024-01-01", "ticketsSold": 100])
            let database = harness.database
            let refresh = try await database.transaction { connection in
                // The write is in flight (its trigger holds the artist's lock shared) when the refresh starts.
                try await connection.query("""
                    INSERT INTO artist_shows (company_id, artist_id, performed_on, tickets_sold)
                    VALUES (\(t.companyA), \(artist), '2024-02-01'::date, 50)
                    """, logger: database.logger)
                let refresh = Task { try await t.a.post("/api/artists/\(artist)/stats/refresh") }
                // Commit only once the refresh is waiting for the lock, so the test exercises the race it names.
                var waiting = 0
                for _ in 0..<100 where waiting == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    waiting = try await database.query("""
                        SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """).count()
                }
                #expect(waiting == 1)
                return refresh
            }
            let refreshed = try await refresh.value
            #expect(refreshed.status == .ok)
            #expect(refreshed.json["ticketsSold"] == 150 && refreshed.json["snapshot"] == true)
            let stored = try await t.a.get("/api/artists/\(artist)/stats")
            #expect(stored.json["snapshot"] == true && stored.json["ticketsSold"] == 150)
        }
    }
}
