import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Health")
struct HealthTests {
    @Test func healthNeedsNoCredentials() async throws {
        try await withVenueApp { clients in
            let response = try await APITestClient(clients.raw).get("/health")
            #expect(response.status == .ok)
            #expect(response.json["status"] == "ok")
            #expect(response.json["service"] == "venue")
            #expect(try await APITestClient(clients.raw).get("/health/ready").status == .ok)
        }
    }
}
