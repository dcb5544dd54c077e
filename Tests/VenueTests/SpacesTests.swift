import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

@Suite("Spaces")
struct SpacesTests {
    @Test func createGetListUpdateAndArchive() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let venue = try requireUUID(try await api.createVenue()["id"])
            let other = try requireUUID(try await api.createVenue("Second")["id"])
            let hall = try await api.createSpace(venue: venue, name: "Main hall")
            let hallID = try requireUUID(hall["id"])
            #expect(hall["venueId"]?.uuid == venue)
            #expect(hall["status"] == "active")
            #expect(hall["kind"] == "hall")
            try await api.createSpace(venue: venue, name: "Small room", extra: ["kind": "room", "status": "inactive"])
            try await api.createSpace(venue: other, name: "Garden", extra: ["kind": "outdoor"])

            #expect(try await api.get("/api/v1/spaces").json["total"] == 3)
            #expect(try await api.get("/api/v1/spaces?venueId=\(venue)").json["total"] == 2)
            #expect(try await api.get("/api/v1/spaces?status=inactive").json["items"]?[0]?["name"] == "Small room")
            #expect(try await api.get("/api/v1/spaces?q=gard").json["total"] == 1)
            #expect(try await api.get("/api/v1/spaces?limit=1&page=3").json["items"]?.arrayValue?.count == 1)
            // The total comes with the page (`Database.page`), and still when the page is past the end.
            #expect(try await api.get("/api/v1/spaces?limit=1&page=3").json["total"] == 3)
            let pastTheEnd = try await api.get("/api/v1/spaces?limit=2&page=5")
            #expect(pastTheEnd.json["items"]?.arrayValue?.isEmpty == true)
            #expect(pastTheEnd.json["total"] == 3)
            #expect(try await api.get("/api/v1/spaces?q=nothing-like-this").json["total"] == 0)

            #expect(try await api.get("/api/v1/spaces/\(hallID)").json["name"] == "Main hall")
            let patched = try await api.patch("/api/v1/spaces/\(hallID)", ["name": "Grote zaal", "capacity": nil, "status": "inactive"])
            #expect(patched.status == .ok)
            #expect(patched.json["name"] == "Grote zaal")
            #expect(patched.json["capacity"] == .null)
            #expect(patched.json["kind"] == "hall")

            #expect(try await api.delete("/api/v1/spaces/\(hallID)").status == .noContent)
            #expect(try await api.get("/api/v1/spaces/\(hallID)").status == .notFound)
            #expect(try await api.get("/api/v1/spaces?venueId=\(venue)").json["total"] == 1)

            // Deleting the venue archives its remaining spaces.
            #expect(try await api.delete("/api/v1/venues/\(venue)").status == .noContent)
            #expect(try await api.get("/api/v1/spaces").json["total"] == 1)
        }
    }

    @Test func validationErrors() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let venue = try requireUUID(try await api.createVenue()["id"])
            let missing = try await api.post("/api/v1/spaces", ["kind": "cellar", "capacity": -5])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.errorFields) == ["venueId", "name", "kind", "capacity"])

            let unknownVenue = try await api.post("/api/v1/spaces", ["venueId": .string(UUID().uuidString), "name": "X"])
            #expect(unknownVenue.status == .unprocessableContent)
            #expect(unknownVenue.errorFields == ["venueId"])

            let space = try requireUUID(try await api.createSpace(venue: venue)["id"])
            let move = try await api.patch("/api/v1/spaces/\(space)", ["venueId": .string(UUID().uuidString), "status": "archived"])
            #expect(Set(move.errorFields) == ["venueId", "status"])
            #expect(try await api.patch("/api/v1/spaces/\(space)", ["name": nil]).errorFields == ["name"])
            #expect(try await api.get("/api/v1/spaces?venueId=nope").errorCode == "invalid_query")
        }
    }

    @Test func permissionsAndModule() async throws {
        try await withVenueApp { clients in
            let (_, space) = try await clients.a.makeSpace()
            let reader = clients.a(permissions: ["venue.spaces.read"])
            #expect(try await reader.get("/api/v1/spaces").status == .ok)
            #expect(try await reader.get("/api/v1/spaces/\(space)").status == .ok)
            #expect(try await reader.post("/api/v1/spaces", ["name": "X"]).errorCode == "permission_denied")
            #expect(try await reader.patch("/api/v1/spaces/\(space)", ["name": "X"]).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/v1/spaces/\(space)").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: ["venue.venues.read"]).get("/api/v1/spaces").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: allVenuePermissions, modules: []).get("/api/v1/spaces").errorCode == "module_disabled")
        }
    }

    @Test func anotherCompanysSpacesAndVenuesAreOutOfReach() async throws {
        try await withVenueApp { clients in
            let (theirVenue, theirSpace) = try await clients.b.makeSpace()
            #expect(try await clients.a.get("/api/v1/spaces/\(theirSpace)").status == .notFound)
            #expect(try await clients.a.patch("/api/v1/spaces/\(theirSpace)", ["name": "X"]).status == .notFound)
            #expect(try await clients.a.delete("/api/v1/spaces/\(theirSpace)").status == .notFound)
            #expect(try await clients.a.get("/api/v1/spaces").json["total"] == 0)
            #expect(try await clients.a.get("/api/v1/spaces?venueId=\(theirVenue)").json["total"] == 0)
            // A space cannot be created in another company's venue.
            let cross = try await clients.a.post("/api/v1/spaces", ["venueId": .string(theirVenue.uuidString), "name": "Sneaky"])
            #expect(cross.status == .unprocessableContent)
            #expect(cross.errorFields == ["venueId"])
        }
    }
}
