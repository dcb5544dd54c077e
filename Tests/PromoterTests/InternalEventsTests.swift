import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Promoter
import Testing

@Suite("Promoter internal event resolver")
struct InternalEventsTests {
    @Test func resolvesByPublicIdOrLegacyIdWithinTheXOrgCompany() async throws {
        try await withPromoterApp { clients in
            let venue = UUID()
            let event = try await clients.a.createEvent("Album release", extra: [
                "endAt": at(23), "venueId": .string(venue.uuidString), "venueName": "Paradiso", "legacyId": "64B7F0C2A1B2C3D4E5F60718",
            ])
            let id = try #require(event["publicEventId"]?.stringValue)
            let api = clients.internal.with(org: clients.companyA)

            for reference in [id, id.uppercased(), "64b7f0c2a1b2c3d4e5f60718", "64B7F0C2A1B2C3D4E5F60718"] {
                let resolved = try await api.get("/internal/events/\(reference)")
                #expect(resolved.status == .ok, "\(reference): \(resolved.text)")
                #expect(resolved.json["publicEventId"] == .string(id))
            }
            // The answer is the event as the tenant routes show it.
            let resolved = try await api.get("/internal/events/\(id)").json
            #expect(resolved == event)
            #expect(resolved.objectValue?.filter { !["createdAt", "updatedAt", "venueName"].contains($0.key) } == [
                "publicEventId": .string(id), "companyId": .string(clients.companyA.uuidString.lowercased()),
                "legacyId": "64b7f0c2a1b2c3d4e5f60718", "title": "Album release", "startAt": at(20), "endAt": at(23),
                "timezone": "Europe/Amsterdam", "status": "draft", "venueId": .string(venue.uuidString.lowercased()),
            ])

            // An event born here has no legacy id; its empty fields are null, not missing.
            let plain = try await clients.a.createEventID("Plain")
            let bare = try await api.get("/internal/events/\(plain)").json
            #expect(bare["legacyId"] == .null)
            #expect(bare["endAt"] == .null)
            #expect(bare["venueId"] == .null)

            // The company is x-org's: company B's events resolve for B only, A's for A only.
            let theirs = try await clients.b.createEventID("Elsewhere", extra: ["legacyId": "0123456789abcdef01234567"])
            let asB = clients.internal.with(org: clients.companyB)
            #expect(try await asB.get("/internal/events/\(theirs)").json["companyId"]?.uuid == clients.companyB)
            #expect(try await asB.get("/internal/events/0123456789ABCDEF01234567").status == .ok)
            for (caller, path) in [(api, "/internal/events/\(theirs)"), (api, "/internal/events/0123456789abcdef01234567"),
                                   (asB, "/internal/events/\(id)"), (asB, "/internal/events/64b7f0c2a1b2c3d4e5f60718"),
                                   (api, "/internal/events/\(UUID())"), (api, "/internal/events/ffffffffffffffffffffffff")] {
                let response = try await caller.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.errorCode == "not_found")
            }
            // x-workspace-id is the same header under Platform Core's name.
            let workspace = clients.internal.with(header: "x-workspace-id", clients.companyA.uuidString)
            #expect(try await workspace.get("/internal/events/\(id)").status == .ok)
        }
    }

    @Test func malformedIdsAndMissingCompanyAre400() async throws {
        try await withPromoterApp { clients in
            let id = try await clients.a.createEventID()
            let api = clients.internal.with(org: clients.companyA)
            for reference in ["12", "64b7f0c2a1b2c3d4e5f6071", "64b7f0c2a1b2c3d4e5f607189", "64b7f0c2a1b2c3d4e5f6071g",
                              "not-an-id", "%EF%BC%91\(String(repeating: "0", count: 23))"] {
                let response = try await api.get("/internal/events/\(reference)")
                #expect(response.status == .badRequest, "\(reference)")
                #expect(response.errorCode == "invalid_event_id")
            }
            let missing = try await clients.internal.get("/internal/events/\(id)")
            #expect(missing.status == .badRequest)
            #expect(missing.errorCode == "tenant_required")
            let invalid = try await clients.internal.with(orgHeader: "acme").get("/internal/events/\(id)")
            #expect(invalid.status == .badRequest)
            #expect(invalid.errorCode == "tenant_invalid")
        }
    }

    @Test func internalKeyIsRequired() async throws {
        try await withPromoterApp { clients in
            let id = try await clients.a.createEventID()
            let path = "/internal/events/\(id)"
            let tenant = try await clients.a.get(path)
            #expect(tenant.status == .unauthorized, "a tenant token is not an internal key")
            #expect(tenant.errorCode == "internal_key_required")
            let wrong = try await APITestClient(clients.raw, org: clients.companyA).with(header: "X-Internal-API-Key", "nope").get(path)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "internal_key_invalid")
            let rotated = APITestClient(clients.raw, org: clients.companyA).with(header: "X-Internal-API-Key", TestDefaults.internalKeys[1])
            #expect(try await rotated.get(path).status == .ok, "both rotation keys are accepted")
            // The internal key opens no tenant route.
            #expect(try await clients.internal.with(org: clients.companyA).get("/api/v1/events").status == .unauthorized)
        }
    }
}
