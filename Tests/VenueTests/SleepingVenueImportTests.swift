import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

let samplePath = RepositoryPaths.root + "/Services/Venue/Samples/sleeping-venues.jsonl"

@Suite("Sleeping-venue import and takeover")
struct SleepingVenueImportTests {
    @Test func importTheSampleTwiceThenApproveActivateAndReadAuditAndReconciliation() async throws {
        try await withVenueApp { clients in
            let importer = SleepingVenueImporter(database: clients.env.database, holdingCompanyID: VenueSettings.defaultHoldingCompanyID)
            let first = try await importer.run(file: samplePath)
            #expect(first.rejected.isEmpty, "\(first.rejected)")
            #expect(first.venueTypes == .init(inserted: 3, updated: 0, unchanged: 0, skipped: 0))
            #expect(first.venues == .init(inserted: 3, updated: 0, unchanged: 0, skipped: 0))
            #expect(first.spaces.inserted == 3)
            let second = try await importer.run(file: samplePath)
            #expect(second.rejected.isEmpty)
            #expect(second.venueTypes == .init(inserted: 0, updated: 0, unchanged: 3, skipped: 0))
            #expect(second.venues == .init(inserted: 0, updated: 0, unchanged: 3, skipped: 0))
            #expect(second.spaces == .init())
            #expect(second.summary.contains("venues: 0 inserted, 0 updated, 3 unchanged"))

            let admin = clients.internal
            let sleeping = try await admin.get("/internal/admin/venues/sleeping")
            #expect(sleeping.json["total"] == 3, "re-running created no duplicates")
            let types = try await admin.get("/internal/admin/venue-types")
            #expect(types.json["total"] == 3)
            #expect(types.json["items"]?.arrayValue?.contains { $0["venueTypeId"] == 2 && $0["name"] == "Club" } == true)

            // The legacy numeric id is the Admin identity; the venue without one got a native number.
            let tolhuis = try await admin.get("/internal/admin/venues/1001")
            #expect(tolhuis.json["name"] == "Tolhuis Concertzaal")
            #expect(tolhuis.json["status"] == "sleeping")
            #expect(tolhuis.json["claimable"] == true)
            #expect(tolhuis.json["sourceMongoObjectId"] == "60b000000000000000000101")
            #expect(tolhuis.json["countryIso2"] == "NL")
            #expect(tolhuis.json["contactEmail"] == "info@tolhuis.example")
            #expect(tolhuis.json["venueTypeName"] == "Concert hall")
            #expect(tolhuis.json["latitude"] == 52.3843)
            let parkveld = sleeping.json["items"]?.arrayValue?.first { $0["name"] == "Parkveld" }
            #expect(parkveld?["city"] == .null, "a venue without a city imports fine")
            #expect((parkveld?["venueId"]?.int ?? 0) >= 1_000_000)

            // Claim → approve → activate.
            let claimant = clients.env.companyA
            let claim = try await admin.post("/internal/admin/venues/1001/takeover-approvals", [
                "claimingCompanyId": .string(claimant.uuidString), "requestedBy": "ops@kisum.example", "notes": "Owner called in",
            ])
            #expect(claim.status == .created)
            #expect(claim.json["status"] == "pending")
            #expect(claim.json["venueId"] == 1001)
            let approvalID = try requireUUID(claim.json["id"])
            let early = try await admin.post("/internal/admin/venues/1001/activate")
            #expect(early.status == .conflict)
            #expect(early.errorCode == "takeover_not_approved")
            // The venue exists but was never activated: its state, not a missing resource.
            let noSummary = try await admin.get("/internal/admin/venues/1001/reconciliation")
            #expect(noSummary.status == .conflict)
            #expect(noSummary.errorCode == "venue_not_activated")
            #expect(try await admin.get("/internal/admin/venues/999999/reconciliation").status == .notFound)

            let approved = try await admin.post("/internal/admin/venues/1001/takeover-approvals", [
                "approvalId": .string(approvalID.uuidString), "status": "approved", "decidedBy": "admin@kisum.example",
            ])
            #expect(approved.status == .ok)
            #expect(approved.json["status"] == "approved")
            #expect(approved.json["decidedAt"]?.isNull == false)

            let activated = try await admin.post("/internal/admin/venues/1001/activate", ["activatedBy": "admin@kisum.example"])
            #expect(activated.status == .ok, "\(activated.text)")
            #expect(activated.json["venue"]?["companyId"]?.uuid == claimant)
            #expect(activated.json["venue"]?["status"] == "active")
            #expect(activated.json["venue"]?["claimable"] == false)
            #expect(activated.json["approval"]?["status"] == "completed")
            #expect(activated.json["reconciliation"]?["records"]?["spaces"] == 2)

            // The claiming company now runs the venue and its imported spaces.
            let venueUUID = try requireUUID(activated.json["venue"]?["id"])
            #expect(try await clients.a.get("/api/v1/venues/\(venueUUID)").json["name"] == "Tolhuis Concertzaal")
            let spaces = try await clients.a.get("/api/v1/spaces?venueId=\(venueUUID)")
            #expect(spaces.json["total"] == 2)
            let hall = try requireUUID(spaces.json["items"]?.arrayValue?.first { $0["name"] == "Grote zaal" }?["id"])
            #expect(try await clients.a.book([hall], 10, 12).status == .created)
            #expect(try await admin.get("/internal/admin/venues/sleeping").json["total"] == 2)
            #expect(try await admin.get("/internal/admin/venues").json["items"]?[0]?["venueId"] == 1001)

            let audit = try await admin.get("/internal/admin/venues/1001/takeover-audit")
            #expect(audit.json["total"] == 3)
            #expect(audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
                    == ["approval_requested", "approval_approved", "venue_activated"])
            #expect(audit.json["items"]?[2]?["details"]?["toCompanyId"]?.uuid == claimant)

            let reconciliation = try await admin.get("/internal/admin/venues/1001/reconciliation")
            #expect(reconciliation.status == .ok)
            #expect(reconciliation.json["approvalId"]?.uuid == approvalID)
            #expect(reconciliation.json["fromCompanyId"]?.uuid == VenueSettings.defaultHoldingCompanyID)
            #expect(reconciliation.json["toCompanyId"]?.uuid == claimant)
            #expect(reconciliation.json["records"] == ["venues": 1, "spaces": 2, "archivedSpaces": 0, "availabilityBlocks": 0, "legacyDocuments": 1])
            #expect(reconciliation.json["legacy"]?["sourceMongoObjectId"] == "60b000000000000000000101")
            #expect(reconciliation.json["legacy"]?["uniqueId"] == "NL-AMS-0001")
            #expect(reconciliation.json["warnings"]?.arrayValue?.contains("city_id is not linked to a canonical Market city") == true)

            let approvals = try await admin.get("/internal/admin/venues/1001/takeover-approvals")
            #expect(approvals.json["total"] == 1)
            #expect(approvals.json["items"]?[0]?["status"] == "completed")

            // Re-importing leaves the taken-over venue alone.
            let third = try await importer.run(file: samplePath)
            #expect(third.venues == .init(inserted: 0, updated: 0, unchanged: 2, skipped: 1))
            #expect(try await clients.a.get("/api/v1/venues/\(venueUUID)").json["status"] == "active")
            // Activated venues cannot be activated or claimed again.
            #expect(try await admin.post("/internal/admin/venues/1001/activate").errorCode == "venue_not_sleeping")
            let reclaim = try await admin.post("/internal/admin/venues/1001/takeover-approvals", ["claimingCompanyId": .string(UUID().uuidString)])
            #expect(reclaim.errorCode == "venue_not_claimable")
        }
    }

    @Test func claimRulesAndDecisions() async throws {
        try await withVenueApp { clients in
            let importer = SleepingVenueImporter(database: clients.env.database, holdingCompanyID: VenueSettings.defaultHoldingCompanyID)
            _ = try await importer.run(file: samplePath)
            let admin = clients.internal
            let path = "/internal/admin/venues/1002/takeover-approvals"

            let invalid = try await admin.post(path, ["status": "done"])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["claimingCompanyId", "status"])
            let holdingClaim = try await admin.post(path, ["claimingCompanyId": .string(VenueSettings.defaultHoldingCompanyID.uuidString)])
            #expect(holdingClaim.errorFields == ["claimingCompanyId"])
            #expect(try await admin.request(.post, path, rawBody: "nope").status == .badRequest)

            let claim = try requireUUID(try await admin.post(path, ["claimingCompanyId": .string(clients.env.companyB.uuidString)]).json["id"])
            let second = try await admin.post(path, ["claimingCompanyId": .string(clients.env.companyA.uuidString)])
            #expect(second.status == .conflict)
            #expect(second.errorCode == "takeover_already_open")
            #expect(second.json["error"]?["info"]?["approvalId"]?.uuid == claim)

            let badDecision = try await admin.post(path, ["approvalId": .string(claim.uuidString), "status": "pending"])
            #expect(badDecision.errorFields == ["status"])
            let rejected = try await admin.post(path, ["approvalId": .string(claim.uuidString), "status": "rejected", "reason": "no proof"])
            #expect(rejected.json["status"] == "rejected")
            #expect(rejected.json["decisionReason"] == "no proof")
            let revive = try await admin.post(path, ["approvalId": .string(claim.uuidString), "status": "approved"])
            #expect(revive.status == .conflict)
            #expect(revive.errorCode == "invalid_transition")
            #expect(try await admin.post("/internal/admin/venues/1002/activate").errorCode == "takeover_not_approved")

            // A rejected claim frees the venue for a new one, here approved in one step.
            let direct = try await admin.post(path, ["claimingCompanyId": .string(clients.env.companyA.uuidString), "status": "approved"])
            #expect(direct.status == .created)
            #expect(direct.json["status"] == "approved")
            #expect(try await admin.get("\(path)?status=rejected").json["total"] == 1)
            #expect(try await admin.get(path).json["total"] == 2)
            // A decision naming another venue's claim is not found.
            let elsewhere = try await admin.post("/internal/admin/venues/1001/takeover-approvals",
                                                 ["approvalId": .string(claim.uuidString), "status": "cancelled"])
            #expect(elsewhere.status == .notFound)

            let audit = try await admin.get("/internal/admin/venues/1002/takeover-audit")
            #expect(audit.json["items"]?.arrayValue?.compactMap { $0["action"]?.stringValue }
                    == ["approval_requested", "approval_rejected", "approval_requested", "approval_approved"])

            // Claims need a sleeping, claimable venue of the holding company; unknown venues are 404.
            let native = try #require(try await admin.post("/internal/admin/venues", ["name": "N", "companyId": .string(clients.env.companyB.uuidString)])
                .json["venueId"]?.int)
            #expect(try await admin.post("/internal/admin/venues/\(native)/takeover-approvals",
                                         ["claimingCompanyId": .string(clients.env.companyA.uuidString)]).errorCode == "venue_not_claimable")
            #expect(try await admin.post("/internal/admin/venues/424242/takeover-approvals",
                                         ["claimingCompanyId": .string(clients.env.companyA.uuidString)]).status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/424242/takeover-audit").status == .notFound)
            #expect(try await admin.get("/internal/admin/venues/424242/reconciliation").status == .notFound)
            #expect(try await admin.post("/internal/admin/venues/424242/activate").status == .notFound)
            #expect(try await admin.request(.post, "/internal/admin/venues/1002/activate", rawBody: "{\"approvalId\": 5}").status == .badRequest)
        }
    }

    @Test func malformedRecordsAreRejectedByLineWithoutStoppingTheRest() async throws {
        try await withVenueApp { clients in
            let importer = SleepingVenueImporter(database: clients.env.database, holdingCompanyID: VenueSettings.defaultHoldingCompanyID)
            let export = """
                {"collection": "venues_type", "document": {"_id": {"$oid": "5f1a00000000000000000009"}, "name": "Theatre"}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000201"}, "name": "Good one", "type": {"$oid": "5f1a00000000000000000009"}}}
                this is not json

                {"collection": "artists", "document": {"_id": "x"}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000202"}}}
                {"collection": "venues", "document": {"_id": "short", "name": "Bad id"}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000203"}, "name": "Bad country", "country_iso2": "NLD"}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000204"}, "name": "Bad type", "type": {"$oid": "5f1a0000000000000000ffff"}}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000205"}, "name": "Bad hours", "operating_hours": {"funday": []}}}
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000206"}, "name": "Second good one", "rooms": [{"name": "Zaal"}]}}
                """
            let report = try await importer.run(contents: export)
            #expect(report.venueTypes.inserted == 1)
            #expect(report.venues.inserted == 2)
            #expect(report.spaces.inserted == 1)
            #expect(report.rejected.map(\.line) == [3, 5, 6, 7, 8, 9, 10])
            #expect(report.rejected.first { $0.line == 6 }?.reason.contains("name") == true)
            #expect(report.rejected.first { $0.line == 9 }?.reason.contains("unknown venue type") == true)
            #expect(report.rejected.first { $0.line == 8 }?.sourceId == "60b000000000000000000203")
            #expect(report.summary.contains("line 9 (venues 60b000000000000000000204): unknown venue type"))
            #expect(try await clients.internal.get("/internal/admin/venues/sleeping").json["total"] == 2)

            // A changed document updates its sleeping venue; rooms that disappeared are archived.
            let changed = """
                {"collection": "venues", "document": {"_id": {"$oid": "60b000000000000000000206"}, "name": "Second good one (renamed)", "rooms": []}}
                """
            let update = try await importer.run(contents: changed)
            #expect(update.venues.updated == 1)
            let renamed = try await clients.internal.get("/internal/admin/venues/sleeping?q=renamed")
            #expect(renamed.json["total"] == 1)
        }
    }
}
