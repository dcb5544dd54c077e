import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

/// Issue 8: "agency team members with roles" (Agencies: `GET/POST /api/agencies/{id}/team`,
/// `PUT/DELETE /api/agencies/{id}/team/{teamId}`): one primary contact per agency, one person per e-mail address.
@Suite("Base agency team")
struct AgenciesTeamTests {
    @Test func membersAreAddedListedPrimaryFirstReplacedAndRemoved() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Team Agency")
            let user = UUID()
            let ann = try await api.post("/api/agencies/\(agency)/team", [
                "name": "Ann Agent", "email": "Ann@Team.example", "phone": "+31 20 555", "title": "Senior agent",
                "userId": .string(user.uuidString),
            ])
            #expect(ann.status == .created)
            let annID = try #require(ann.json["id"]?.uuid)
            #expect(ann.json["role"] == "agent")
            #expect(ann.json["isPrimary"] == false)
            #expect(ann.json["agencyId"]?.uuid == agency)
            #expect(ann.json["userId"]?.uuid == user)

            let bob = try await api.post("/api/agencies/\(agency)/team", ["name": "Bob Boss", "role": "owner", "isPrimary": true])
            let bobID = try #require(bob.json["id"]?.uuid)
            try await api.post("/api/agencies/\(agency)/team", ["name": "Cleo", "role": "accountant"])

            let listed = try await api.get("/api/agencies/\(agency)/team")
            #expect(listed.status == .ok)
            #expect(listed.json["total"] == 3)
            let names = listed.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["Bob Boss", "Ann Agent", "Cleo"])
            #expect(try await api.get("/api/agencies/\(agency)/team?role=accountant").json["items"]?[0]?["name"] == "Cleo")
            #expect(try await api.get("/api/agencies/\(agency)/team?limit=1&page=3").json["items"]?[0]?["name"] == "Cleo")
            #expect(try await api.get("/api/agencies/\(agency)").json["teamCount"] == 3)

            // Making Ann the primary contact takes the flag from Bob.
            let promoted = try await api.put("/api/agencies/\(agency)/team/\(annID)", ["name": "Ann Agent", "role": "manager", "isPrimary": true])
            #expect(promoted.status == .ok)
            #expect(promoted.json["isPrimary"] == true)
            #expect(promoted.json["role"] == "manager")
            // A full update: what it leaves out is cleared.
            #expect(promoted.json["email"] == .null)
            #expect(promoted.json["userId"] == .null)
            let primaries = try await api.get("/api/agencies/\(agency)/team").json["items"]?.arrayValue?
                .filter { $0["isPrimary"] == true }.compactMap { $0["id"]?.uuid }
            #expect(primaries == [annID])

            #expect(try await api.delete("/api/agencies/\(agency)/team/\(bobID)").status == .noContent)
            #expect(try await api.delete("/api/agencies/\(agency)/team/\(bobID)").status == .notFound)
            #expect(try await api.get("/api/agencies/\(agency)/team").json["total"] == 2)
        }
    }

    @Test func anEmailAddressIsOnePersonPerAgencyInAnyCase() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("One")
            let other = try await api.makeAgency("Two")
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "A", "email": "same@x.example"]).status == .created)
            let twice = try await api.post("/api/agencies/\(agency)/team", ["name": "B", "email": "SAME@x.example"])
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "team_email_taken")
            // Another agency may list the same person.
            #expect(try await api.post("/api/agencies/\(other)/team", ["name": "A", "email": "same@x.example"]).status == .created)
            let user = UUID().uuidString
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "C", "userId": .string(user)]).status == .created)
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "D", "userId": .string(user)]).errorCode == "team_user_taken")
            // Renaming someone to a taken address is refused as well.
            let d = try #require(try await api.post("/api/agencies/\(agency)/team", ["name": "D"]).json["id"]?.uuid)
            let clash = try await api.put("/api/agencies/\(agency)/team/\(d)", ["name": "D", "role": "agent", "isPrimary": false, "email": "Same@X.example"])
            #expect(clash.errorCode == "team_email_taken")
        }
    }

    @Test func badBodiesAre422AndMalformedOnes400() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let agency = try await api.makeAgency("Strict")
            let bad = try await api.post("/api/agencies/\(agency)/team", [
                "name": "", "email": "nope", "phone": "x", "role": "boss", "title": .string(String(repeating: "t", count: 201)),
            ])
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["name", "email", "phone", "role", "title"])
            let member = try #require(try await api.post("/api/agencies/\(agency)/team", ["name": "M"]).json["id"]?.uuid)
            let partial = try await api.put("/api/agencies/\(agency)/team/\(member)", ["name": "M"])
            #expect(Set(partial.errorFields) == ["role", "isPrimary"])
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "M", "isPrimary": "yes"]).errorCode == "invalid_body")
            #expect(try await api.post("/api/agencies/\(agency)/team", ["name": "M", "userId": "me"]).status == .badRequest)
            #expect(try await api.get("/api/agencies/\(agency)/team?role=boss").errorFields == ["role"])
        }
    }

    @Test func membersOfAnotherAgencyOrCompanyAreOutOfReach() async throws {
        try await withAgencies { clients in
            let api = clients.a
            let mine = try await api.makeAgency("Mine")
            let sibling = try await api.makeAgency("Sibling")
            let siblingMember = try #require(try await api.post("/api/agencies/\(sibling)/team", ["name": "S"]).json["id"]?.uuid)
            let replace: JSONValue = ["name": "X", "role": "agent", "isPrimary": false]
            #expect(try await api.put("/api/agencies/\(mine)/team/\(siblingMember)", replace).status == .notFound)
            #expect(try await api.delete("/api/agencies/\(mine)/team/\(siblingMember)").status == .notFound)

            let theirs = try await clients.b.makeAgency("Theirs")
            let theirMember = try #require(try await clients.b.post("/api/agencies/\(theirs)/team", ["name": "T"]).json["id"]?.uuid)
            #expect(try await api.get("/api/agencies/\(theirs)/team").status == .notFound)
            #expect(try await api.post("/api/agencies/\(theirs)/team", ["name": "X"]).status == .notFound)
            #expect(try await api.put("/api/agencies/\(theirs)/team/\(theirMember)", replace).status == .notFound)
            #expect(try await api.delete("/api/agencies/\(theirs)/team/\(theirMember)").status == .notFound)
            #expect(try await api.get("/api/agencies/\(UUID())/team").status == .notFound)
            #expect(try await clients.b.get("/api/agencies/\(theirs)/team").json["total"] == 1)

            let reader = clients.a(permissions: [BasePermission.agenciesRead])
            #expect(try await reader.get("/api/agencies/\(mine)/team").status == .ok)
            #expect(try await reader.post("/api/agencies/\(mine)/team", ["name": "X"]).errorCode == "permission_denied")
            #expect(try await reader.put("/api/agencies/\(sibling)/team/\(siblingMember)", replace).errorCode == "permission_denied")
            #expect(try await reader.delete("/api/agencies/\(sibling)/team/\(siblingMember)").errorCode == "permission_denied")
            #expect(try await clients.a(permissions: [BasePermission.artistsRead]).get("/api/agencies/\(mine)/team").status == .forbidden)
        }
    }
}
