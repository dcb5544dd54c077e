import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// Issue 16: inputs that once reached a trapping conversion. Each answers a 4xx and the service goes on
/// serving the next request.
@Suite("Crash regressions")
struct CrashRegressionTests {
    /// `Int(number)` on a whole JSON number past Int's range trapped (1e300 is "whole" as a Double).
    @Test func hugeWholeNumbersInOperatingMetadataAre422() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let response = try await api.post("/api/v1/venues", [
                "name": "Huge", "restrictions": ["maxOccupancy": 1e300, "minimumAge": -1e300],
            ])
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.errorFields) == ["restrictions.maxOccupancy", "restrictions.minimumAge"])
            #expect(try await api.createVenue("Still serving")["name"] == "Still serving")
        }
    }

    /// `GET /contracts?q=…%00…` (and the checklists list) answered 500 from PostgreSQL.
    @Test func nulInSearchesIs400NotA500() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            for path in ["/api/v1/contracts?q=a%00b", "/api/v1/operations/checklists?q=%00", "/api/v1/venues?q=x%00"] {
                let response = try await api.get(path)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.errorCode == "invalid_text", "\(path)")
            }
            #expect(try await api.get("/api/v1/contracts?q=ab").status == .ok)
        }
    }

    /// A year past 9999 parsed as a date and trapped in PostgresNIO's timestamptz encoding.
    @Test func datesBeyondYear9999Are400() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let (_, space) = try await api.makeSpace()
            let body: JSONValue = [
                "spaceIds": .array([.string(space.uuidString)]), "marketCompanyId": .string(UUID().uuidString),
                "startAt": "2000000-01-01T00:00:00Z", "endAt": "2000000-01-02T00:00:00Z",
            ]
            let booking = try await api.post("/api/v1/bookings", body)
            #expect(booking.status == .badRequest)
            #expect(booking.errorCode == "invalid_body")
            let list = try await api.get("/api/v1/bookings?fromAt=%2B100000-01-01T00:00:00Z")
            #expect(list.status == .badRequest)
            #expect(try await api.get("/api/v1/bookings").status == .ok)
        }
    }
}
