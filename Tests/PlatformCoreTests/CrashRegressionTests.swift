import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import PlatformCore
import Testing

/// Issue 16: text PostgreSQL cannot hold reached a query and answered 500; now the kernel refuses it.
@Suite("Crash regressions (Platform Core)")
struct PlatformCoreCrashRegressionTests {
    @Test func nulInATeamSearchIs400NotA500() async throws {
        let h = try await Harness.make()
        let crew = try await Crew.make(h)
        try await h.run { api async throws in
            let asAdmin = try await crew.client(api, as: crew.admin)
            let search = try await asAdmin.get("/api/v1/teams?search=%00abc")
            #expect(search.status == .badRequest)
            #expect(search.errorCode == "invalid_text")
            let body = try await asAdmin.request(.post, "/api/v1/teams", rawBody: #"{"name":"Book\u0000ers"}"#)
            #expect(body.status == .badRequest)
            #expect(body.errorCode == "invalid_text")
            #expect(try await asAdmin.get("/api/v1/teams?search=abc").status == .ok)
        }
    }
}
