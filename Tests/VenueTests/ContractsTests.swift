import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PostgresNIO
import Testing
@testable import Venue

/// A storage folder of its own for each test, removed afterwards.
func withStorageDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("venue-storage-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// What a contract is about: a venue with a space, a booking there and a deal for it.
struct ContractWorld {
    var venue: UUID
    var booking: UUID
    var deal: UUID
}

extension APITestClient {
    func makeContractWorld(venueName: String = "Paradiso") async throws -> ContractWorld {
        let venue = try requireUUID(try await createVenue(venueName, extra: [
            "addressLine1": "Weteringschans 6-8", "postalCode": "1017 SG", "timezone": "Europe/Amsterdam", "contactEmail": "office@example.com",
        ])["id"])
        let space = try requireUUID(try await createSpace(venue: venue, name: "Main hall")["id"])
        let booking = try await book([space], 20, 24, extra: ["title": "Album release"])
        guard booking.status == .created else { throw TestFailure("booking answered \(booking.status): \(booking.text)") }
        let bookingID = try requireUUID(booking.json["id"])
        let deal = try await createDeal([
            "bookingId": .string(bookingID.uuidString), "name": "Headline fee", "dealType": "versus", "currency": "EUR",
            "guaranteeMinor": 150_000, "percentage": 80, "depositMinor": 50_000,
        ])
        return ContractWorld(venue: venue, booking: bookingID, deal: try requireUUID(deal["id"]))
    }

    /// A draft contract on the world's deal with a signer, an approver and a cc.
    func createContract(_ world: ContractWorld, extra: [String: JSONValue] = [:]) async throws -> UUID {
        var body: [String: JSONValue] = [
            "title": "Paradiso x The Band", "dealId": .string(world.deal.uuidString), "templateKey": "performance",
            "variables": ["rider": "Hospitality rider v2", "stageTimeMinutes": 75],
            "signers": [["name": "Ann Promoter", "email": "Ann@Example.com"], ["name": "Gina Manager", "email": "gina@example.com", "role": "approver"],
                        ["name": "Ben Booker", "email": "ben@example.com", "role": "cc"]],
        ]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/contracts", .object(body))
        guard response.status == .created else { throw TestFailure("contract create answered \(response.status): \(response.text)") }
        return try requireUUID(response.json["id"])
    }
}

@Suite("Contracts")
struct ContractsTests {
    @Test func lifecycleThroughTheLocalAdapter() async throws {
        try await withStorageDirectory { storage in
            try await withVenueApp(settings: VenueSettings(storageDirectory: storage)) { clients in
                let api = clients.a
                let world = try await api.makeContractWorld()
                let id = try await api.createContract(world)

                let draft = try await api.get("/api/v1/contracts/\(id)")
                #expect(draft.json["status"] == "draft")
                #expect(draft.json["bookingId"]?.uuid == world.booking, "the deal's booking is adopted")
                #expect(draft.json["signers"]?.arrayValue?.count == 3)
                #expect(draft.json["signers"]?[0]?["email"] == "ann@example.com", "e-mails are stored lower-case")
                #expect(draft.json["signers"]?[1]?["signingOrder"] == 2)
                #expect(draft.json["signers"]?[0]?["status"] == "pending")
                #expect(draft.json["document"] == .null)
                #expect(draft.json["signature"] == .null)
                #expect(try await api.get("/api/v1/contracts/\(id)/document").errorCode == "document_not_generated")
                #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").errorCode == "document_required")

                let generated = try await api.post("/api/v1/contracts/\(id)/generate")
                #expect(generated.status == .ok)
                #expect(generated.json["status"] == "generated")
                let document = try #require(generated.json["document"])
                #expect(document["contentType"] == "application/pdf")
                #expect(document["downloadUrl"]?.stringValue == "/api/v1/contracts/\(id.uuidString.lowercased())/document")
                let sha = try #require(document["sha256"]?.stringValue)
                #expect(sha.count == 64)

                let download = try await api.get("/api/v1/contracts/\(id)/document")
                #expect(download.status == .ok)
                #expect(download.headers[.contentType] == "application/pdf")
                #expect(download.headers[.contentDisposition] == "attachment; filename=\"paradiso-x-the-band.pdf\"")
                let bytes = Array(download.body.readableBytesView)
                #expect(bytes.count == document["sizeBytes"]?.int)
                #expect(StorageKey.sha256Hex(download.body) == sha)
                #expect(bytes.starts(with: Array("%PDF-".utf8)))
                let text = PdfText.flattened(try await PdfText.extract(bytes))
                for expected in ["Paradiso", "1,500.00 EUR", "500.00 EUR", "80% of net receipts", "Album release", "Main hall",
                                 "Hospitality rider v2", "Ann Promoter", "Gina Manager", "Weteringschans 6-8"] {
                    #expect(text.contains(expected), "the document lacks \(expected)")
                }
                // The bytes live under STORAGE_DIR, one file per contract folder.
                let folder = "\(storage)/contracts/\(clients.env.companyA.uuidString.lowercased())/\(id.uuidString.lowercased())"
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)

                let sent = try await api.post("/api/v1/contracts/\(id)/send-for-signature", ["message": "Please sign by Friday"])
                #expect(sent.status == .ok)
                #expect(sent.json["status"] == "sent")
                #expect(sent.json["sentAt"]?.isNull == false)
                #expect(sent.json["signature"]?["provider"] == "local")
                #expect(sent.json["signature"]?["agreementId"]?.stringValue?.hasPrefix("local_") == true)
                #expect(sent.json["signature"]?["resendCount"] == 0)
                #expect(sent.json["signers"]?.arrayValue?.allSatisfy { $0["status"] == "sent" && $0["lastSentAt"]?.isNull == false } == true)
                #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").errorCode == "invalid_transition")
                #expect(try await api.post("/api/v1/contracts/\(id)/generate").errorCode == "invalid_transition")

                let status = try await api.get("/api/v1/contracts/\(id)/signature-status")
                #expect(status.status == .ok)
                #expect(status.json["status"] == "sent")
                #expect(status.json["provider"] == "local")
                #expect(status.json["sync"]?["source"] == "stored")
                #expect(status.json["sync"]?["refreshed"] == false)
                #expect(status.json["sync"]?["stale"] == false)
                #expect(status.json["signers"]?.arrayValue?.count == 3)

                let resent = try await api.post("/api/v1/contracts/\(id)/resend")
                #expect(resent.status == .ok)
                #expect(resent.json["signature"]?["resendCount"] == 1)
                #expect(try await api.post("/api/v1/contracts/\(id)/resend", ["message": "Reminder"]).json["signature"]?["resendCount"] == 2)

                let locked = try await api.patch("/api/v1/contracts/\(id)", ["title": "Changed"])
                #expect(locked.errorCode == "contract_locked")
                #expect(locked.json["error"]?["info"]?["fields"] == ["title"])
                #expect(try await api.patch("/api/v1/contracts/\(id)", ["notes": "chased by phone"]).json["notes"] == "chased by phone")
                let voided = try await api.patch("/api/v1/contracts/\(id)", ["status": "voided"])
                #expect(voided.json["status"] == "voided")
                #expect(voided.json["voidedAt"]?.isNull == false)
                #expect(try await api.post("/api/v1/contracts/\(id)/resend").errorCode == "not_out_for_signature")
                #expect(try await api.patch("/api/v1/contracts/\(id)", ["status": "voided"]).errorCode == "invalid_transition")
                // The sent document stays available.
                #expect(try await api.get("/api/v1/contracts/\(id)/document").status == .ok)

                let list = try await api.get("/api/v1/contracts?status=voided")
                #expect(list.json["total"] == 1)
                #expect(list.json["items"]?[0]?["signers"]?.arrayValue?.count == 3)
                #expect(try await api.get("/api/v1/contracts?dealId=\(world.deal)").json["total"] == 1)
                #expect(try await api.get("/api/v1/contracts?bookingId=\(world.booking)").json["total"] == 1)
                #expect(try await api.get("/api/v1/contracts?q=band").json["total"] == 1)
                #expect(try await api.get("/api/v1/contracts?status=draft").json["total"] == 0)
                #expect(try await api.get("/api/v1/contracts?status=lost").errorCode == "invalid_query")
            }
        }
    }

    @Test func editsBeforeSendingAndRegeneration() async throws {
        try await withStorageDirectory { storage in
            try await withVenueApp(settings: VenueSettings(storageDirectory: storage)) { clients in
                let api = clients.a
                let world = try await api.makeContractWorld()
                let id = try await api.createContract(world)
                let first = try await api.post("/api/v1/contracts/\(id)/generate")
                let firstSha = try #require(first.json["document"]?["sha256"]?.stringValue)

                // Notes are not printed: the contract stays generated.
                #expect(try await api.patch("/api/v1/contracts/\(id)", ["notes": "internal"]).json["status"] == "generated")
                // Signers are printed: replacing them sends it back to draft.
                let edited = try await api.patch("/api/v1/contracts/\(id)", [
                    "signers": [["name": "Zoe Signer", "email": "zoe@example.com"]], "variables": ["rider": "v3"],
                ])
                #expect(edited.json["status"] == "draft")
                #expect(edited.json["signers"]?.arrayValue?.count == 1)
                #expect(edited.json["signers"]?[0]?["name"] == "Zoe Signer")
                #expect(edited.json["variables"] == ["rider": "v3"])
                #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").errorCode == "document_required")

                let second = try await api.post("/api/v1/contracts/\(id)/generate")
                #expect(second.json["status"] == "generated")
                #expect(second.json["document"]?["sha256"]?.stringValue != firstSha)
                let text = PdfText.flattened(try await PdfText.extract(Array(try await api.get("/api/v1/contracts/\(id)/document").body.readableBytesView)))
                #expect(text.contains("Zoe Signer"))
                #expect(!text.contains("Ann Promoter"))
                // The superseded file is gone; only the current one is stored.
                let folder = "\(storage)/contracts/\(clients.env.companyA.uuidString.lowercased())/\(id.uuidString.lowercased())"
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
                // Regenerating a generated contract is allowed.
                #expect(try await api.post("/api/v1/contracts/\(id)/generate").json["status"] == "generated")

                // A stored file that was altered is refused rather than sent.
                let key = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first)
                try Data("tampered".utf8).write(to: URL(fileURLWithPath: "\(folder)/\(key)"))
                #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").errorCode == "document_missing")
                #expect(try await api.get("/api/v1/contracts/\(id)").json["status"] == "generated")

                // Without signers a contract cannot go out.
                let lonely = try await api.createContract(world, extra: ["signers": [["name": "Copy", "email": "copy@example.com", "role": "cc"]]])
                #expect(try await api.post("/api/v1/contracts/\(lonely)/generate").status == .ok)
                #expect(try await api.post("/api/v1/contracts/\(lonely)/send-for-signature").errorCode == "signers_required")

                // Nothing to generate from.
                let bare = try requireUUID(try await api.post("/api/v1/contracts", ["title": "Bare"]).json["id"])
                #expect(try await api.post("/api/v1/contracts/\(bare)/generate").errorCode == "contract_incomplete")
                #expect(try await api.patch("/api/v1/contracts/\(bare)", ["status": "voided"]).json["status"] == "voided")
                #expect(try await api.post("/api/v1/contracts/\(bare)/generate").errorCode == "invalid_transition")
            }
        }
    }

    @Test func expiryAndLinks() async throws {
        try await withStorageDirectory { storage in
            try await withVenueApp(settings: VenueSettings(storageDirectory: storage)) { clients in
                let api = clients.a
                let world = try await api.makeContractWorld()
                let id = try await api.createContract(world, extra: ["expiresAt": fromNow(seconds: 3600)])
                #expect(try await api.post("/api/v1/contracts/\(id)/generate").status == .ok)
                #expect(try await api.post("/api/v1/contracts/\(id)/send-for-signature").status == .ok)
                // Time passes: the agreement's expiry is now behind us.
                try await clients.env.database.query("UPDATE contracts SET expires_at = now() - interval '1 minute' WHERE id = \(id)")
                let status = try await api.get("/api/v1/contracts/\(id)/signature-status")
                #expect(status.json["status"] == "expired")
                #expect(try await api.post("/api/v1/contracts/\(id)/resend").errorCode == "not_out_for_signature")

                // Resend notices the expiry itself.
                let other = try await api.createContract(world, extra: ["expiresAt": fromNow(seconds: 3600)])
                #expect(try await api.post("/api/v1/contracts/\(other)/generate").status == .ok)
                #expect(try await api.post("/api/v1/contracts/\(other)/send-for-signature").status == .ok)
                try await clients.env.database.query("UPDATE contracts SET expires_at = now() - interval '1 minute' WHERE id = \(other)")
                #expect(try await api.post("/api/v1/contracts/\(other)/resend").errorCode == "contract_expired")
                #expect(try await api.get("/api/v1/contracts/\(other)").json["status"] == "expired")

                // Links: a booking alone, a deal with its booking, a deal of another booking.
                let secondBooking = try await api.makeBooking(30, 32)
                let mismatch = try await api.post("/api/v1/contracts", [
                    "title": "x", "bookingId": .string(secondBooking.uuidString), "dealId": .string(world.deal.uuidString),
                ])
                #expect(mismatch.errorFields == ["dealId"])
                #expect(mismatch.json["error"]?["details"]?[0]?["code"] == "booking_mismatch")
                let bookingOnly = try requireUUID(try await api.post("/api/v1/contracts", ["title": "Rental", "bookingId": .string(secondBooking.uuidString)]).json["id"])
                #expect(try await api.post("/api/v1/contracts/\(bookingOnly)/generate").json["document"]?.isNull == false)
                let relinked = try await api.patch("/api/v1/contracts/\(bookingOnly)", ["bookingId": nil, "dealId": .string(world.deal.uuidString)])
                #expect(relinked.json["bookingId"]?.uuid == world.booking)
                #expect(relinked.json["status"] == "draft")
            }
        }
    }

    @Test func validationErrors() async throws {
        try await withVenueApp { clients in
            let api = clients.a
            let invalid = try await api.post("/api/v1/contracts", [
                "templateKey": "lease", "expiresAt": fromNow(seconds: -60), "variables": ["nested": ["a": 1], "ok": "fine"],
                "signers": [["name": "A", "email": "not-an-email"], ["email": "b@example.com", "role": "witness", "signingOrder": 0],
                            ["name": "C", "email": "B@example.com"]],
            ])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["title", "templateKey", "expiresAt", "variables.nested", "signers[0].email", "signers[1].name",
                                                  "signers[1].role", "signers[1].signingOrder", "signers[2].email"])
            #expect(try await api.post("/api/v1/contracts", ["title": "x", "variables": [1, 2]]).errorFields == ["variables"])
            #expect(try await api.request(.post, "/api/v1/contracts", rawBody: "{\"title\": }").status == .badRequest)
            #expect(try await api.post("/api/v1/contracts", ["title": "x", "signers": "ann"]).status == .badRequest)
            let missing = try await api.post("/api/v1/contracts", ["title": "x", "bookingId": .string(UUID().uuidString), "dealId": .string(UUID().uuidString)])
            #expect(Set(missing.errorFields) == ["bookingId", "dealId"])

            let id = try requireUUID(try await api.post("/api/v1/contracts", ["title": "x"]).json["id"])
            let patch = try await api.patch("/api/v1/contracts/\(id)", ["status": "signed", "title": nil, "signers": nil])
            #expect(Set(patch.errorFields) == ["status", "title", "signers"])
            #expect(patch.json["error"]?["details"]?.arrayValue?.first { $0["field"] == "status" }?["code"] == "not_settable")
            #expect(try await api.request(.post, "/api/v1/contracts/\(id)/send-for-signature", rawBody: "{\"message\": 5}").status == .badRequest)
            #expect(try await api.post("/api/v1/contracts/\(id)/resend", ["message": .string(String(repeating: "x", count: 2001))]).errorFields == ["message"])
            #expect(try await api.get("/api/v1/contracts/not-a-uuid").status == .notFound)
        }
    }

    @Test func permissionsModuleAndOtherCompanies() async throws {
        try await withStorageDirectory { storage in
            try await withVenueApp(settings: VenueSettings(storageDirectory: storage)) { clients in
                let world = try await clients.a.makeContractWorld()
                let id = try await clients.a.createContract(world)
                #expect(try await clients.a.post("/api/v1/contracts/\(id)/generate").status == .ok)

                let reader = clients.a(permissions: ["venue.contracts.read"])
                #expect(try await reader.get("/api/v1/contracts").status == .ok)
                #expect(try await reader.get("/api/v1/contracts/\(id)").status == .ok)
                #expect(try await reader.get("/api/v1/contracts/\(id)/document").status == .ok)
                #expect(try await reader.get("/api/v1/contracts/\(id)/signature-status").status == .ok)
                for (method, path) in [(HTTPRequest.Method.post, "/api/v1/contracts"), (.patch, "/api/v1/contracts/\(id)"),
                                       (.post, "/api/v1/contracts/\(id)/generate"), (.post, "/api/v1/contracts/\(id)/send-for-signature"),
                                       (.post, "/api/v1/contracts/\(id)/resend")] {
                    #expect(try await reader.request(method, path, json: ["title": "x"]).errorCode == "permission_denied", "\(method) \(path)")
                }
                #expect(try await clients.a(permissions: ["venue.deals.read"]).get("/api/v1/contracts").errorCode == "permission_denied")
                #expect(try await clients.a(permissions: allVenuePermissions, modules: []).get("/api/v1/contracts/\(id)").errorCode == "module_disabled")

                let b = clients.b
                #expect(try await b.get("/api/v1/contracts/\(id)").status == .notFound)
                #expect(try await b.patch("/api/v1/contracts/\(id)", ["notes": "x"]).status == .notFound)
                #expect(try await b.post("/api/v1/contracts/\(id)/generate").status == .notFound)
                #expect(try await b.get("/api/v1/contracts/\(id)/document").status == .notFound)
                #expect(try await b.post("/api/v1/contracts/\(id)/send-for-signature").status == .notFound)
                #expect(try await b.post("/api/v1/contracts/\(id)/resend").status == .notFound)
                #expect(try await b.get("/api/v1/contracts/\(id)/signature-status").status == .notFound)
                #expect(try await b.get("/api/v1/contracts").json["total"] == 0)
                let refused = try await b.post("/api/v1/contracts", [
                    "title": "x", "bookingId": .string(world.booking.uuidString), "dealId": .string(world.deal.uuidString),
                ])
                #expect(Set(refused.errorFields) == ["bookingId", "dealId"])
                #expect(try await clients.a.get("/api/v1/contracts/\(id)").json["status"] == "generated", "B changed nothing")
            }
        }
    }
}

@Suite("Document storage")
struct DocumentStorageTests {
    @Test func storeLoadReplaceAndRemove() async throws {
        try await withStorageDirectory { root in
            let storage = LocalDiskStorage(root: root)
            let first = try await storage.store(ByteBuffer(string: "%PDF-1.4 one"), key: "contracts/a/b/1.pdf", contentType: "application/pdf")
            #expect(first.sizeBytes == 12)
            #expect(first.sha256 == StorageKey.sha256Hex(ByteBuffer(string: "%PDF-1.4 one")))
            #expect(first.sha256.count == 64)
            #expect(try await storage.load(key: "contracts/a/b/1.pdf", maxBytes: 1024).map { String(buffer: $0) } == "%PDF-1.4 one")
            // Same folder again, and the same key replaced.
            _ = try await storage.store(ByteBuffer(string: "two"), key: "contracts/a/b/2.pdf", contentType: "application/pdf")
            _ = try await storage.store(ByteBuffer(string: "one, again"), key: "contracts/a/b/1.pdf", contentType: "application/pdf")
            #expect(try await storage.load(key: "contracts/a/b/1.pdf", maxBytes: 1024).map { String(buffer: $0) } == "one, again")
            try await storage.remove(key: "contracts/a/b/1.pdf")
            #expect(try await storage.load(key: "contracts/a/b/1.pdf", maxBytes: 1024) == nil)
            try await storage.remove(key: "contracts/a/b/1.pdf")  // removing twice is fine
            #expect(try await storage.load(key: "contracts/a/b/2.pdf", maxBytes: 1024) != nil)
        }
    }

    @Test func keysCannotLeaveTheRoot() async throws {
        for key in ["../etc/passwd", "/abs.pdf", "a//b.pdf", "a/./b.pdf", "a/../../b.pdf", "a b.pdf", "", "a/b/"] {
            #expect(!StorageKey.isValid(key), "\(key)")
        }
        #expect(StorageKey.isValid("contracts/5ee1c0de/1795351598868-c6d1d631dc21a5dd.pdf"))
        let storage = LocalDiskStorage(root: FileManager.default.temporaryDirectory.path)
        await #expect(throws: StorageError.self) { try await storage.load(key: "../x", maxBytes: 10) }
    }
}
