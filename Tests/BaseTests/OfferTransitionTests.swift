import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 9: "Offer state machine enforced in one place: illegal transitions answer 409 with the allowed ones;
/// every change writes a revision (who, when, what changed); concurrent edits use a version number (`If-Match`
/// or a `version` field) and the loser gets 409, never a silent overwrite", "Approval items are created by the
/// flows that need them (an offer above a company threshold …)", and "100 concurrent edits of one offer with the
/// same version: exactly one wins".
@Suite("Base offer transitions")
struct OfferTransitionTests {
    @Test func draftSentCounteredSentAcceptedConverted() async throws {
        try await withOffers { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Journey")
            let id = try await api.makeOffer(artist)
            let sent = try await api.post("/api/offer/\(id)/send", ["version": 1, "note": "over to you"])
            #expect(sent.status == .ok)
            #expect(sent.json["status"] == "sent")
            #expect(sent.json["sentAt"] != .null)
            #expect(sent.json["nextStatuses"] == ["countered", "accepted", "rejected", "cancelled"])
            // The artist's side asks for 750,000 versus 90 %.
            let counter = try await api.post("/api/offer/\(id)/counter", [
                "version": 2, "deal": dealJSON(guarantee: 750_000, percentage: 9_000), "note": "our terms",
            ])
            #expect(counter.status == .ok)
            #expect(counter.json["status"] == "countered")
            #expect(counter.json["guaranteeMinor"] == 750_000)
            // 90 % of 1,051,000 = 945,900 > 750,000; less the 20,000 charge-back.
            #expect(counter.json["potential"]?["artistPayoutMinor"] == 925_900)
            let wrongCurrency = try await api.post("/api/offer/\(id)/counter", ["version": 3, "deal": dealJSON(currency: "USD")])
            #expect(wrongCurrency.errorFields == ["deal.currency"])
            #expect(try await api.post("/api/offer/\(id)/send", ["version": 3]).json["status"] == "sent")
            let accepted = try await api.request(.post, "/api/offer/\(id)/accept", headers: [.ifMatch: "\"4\""])
            #expect(accepted.status == .ok)
            #expect(accepted.json["status"] == "accepted")
            #expect(accepted.json["decidedAt"] != .null)
            #expect(accepted.json["nextStatuses"] == ["converted"])
            let converted = try await api.post("/api/offer/\(id)/convert-to-event", ["version": 5])
            #expect(converted.status == .created)
            #expect(converted.json["eventCreated"] == true)
            let eventID = try #require(converted.json["eventId"]?.uuid)
            #expect(converted.json["offer"]?["status"] == "converted")
            #expect(converted.json["offer"]?["eventId"]?.uuid == eventID)
            let event = try await clients.harness.database.query("""
                SELECT e.name, e.status, e.event_date::text, e.venue_name, e.currency::text, e.capacity, ea.role
                FROM events e JOIN event_artists ea ON ea.company_id = e.company_id AND ea.event_id = e.id AND ea.artist_id = \(artist)
                WHERE e.company_id = \(clients.companyA) AND e.id = \(eventID)
                """).first { try $0.decode((String, String, String, String?, String, Int?, String).self) }
            #expect(event?.0 == "Journey – 2027-06-12")
            #expect(event?.1 == "confirmed")
            #expect(event?.2 == "2027-06-12")
            #expect(event?.3 == "Paradiso")
            #expect(event?.4 == "EUR")
            #expect(event?.5 == 600)
            #expect(event?.6 == "headliner")
            // Every step wrote its revision, with who and what changed.
            let revisions = try await api.get("/api/offer/\(id)/versions").json["items"]?.arrayValue ?? []
            try #require(revisions.count == 6)
            #expect(revisions.map { $0["action"]?.stringValue } == ["created", "sent", "countered", "sent", "accepted", "converted"])
            #expect(revisions.map { $0["version"]?.int } == [1, 2, 3, 4, 5, 6])
            #expect(revisions[1]["changes"]?["status"] == ["from": "draft", "to": "sent"])
            #expect(revisions[1]["changes"]?["note"]?["to"] == "over to you")
            #expect(revisions[2]["changes"]?["guaranteeMinor"] == ["from": 600_000, "to": 750_000])
            #expect(revisions[2]["changes"]?["note"]?["to"] == "our terms")
            #expect(revisions[5]["changes"]?["eventId"]?["to"]?.uuid == eventID)
            #expect(revisions.allSatisfy { $0["changedAt"]?.stringValue != nil && $0["changedBy"]?.uuid != nil })
            // converted is final.
            let after = try await api.patch("/api/offer/\(id)/status", ["status": "cancelled", "version": 6])
            #expect(after.status == .conflict)
            #expect(after.errorCode == "invalid_transition")
            #expect(after.json["error"]?["info"]?["allowed"] == [])
        }
    }

    @Test func illegalTransitionsAnswer409WithTheAllowedOnes() async throws {
        try await withOffers { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Illegal")
            let id = try await api.makeOffer(artist)
            let body: JSONValue = ["version": 1]
            for path in ["accept", "reject", "counter", "convert-to-event"] {
                let refused = try await api.post("/api/offer/\(id)/\(path)", body)
                #expect(refused.status == .conflict, "\(path)")
                #expect(refused.errorCode == "invalid_transition")
                #expect(refused.json["error"]?["info"]?["allowed"] == ["sent", "pending_approval", "cancelled"])
            }
            // PATCH moves only to sent, accepted, rejected or cancelled.
            let viaPatch = try await api.patch("/api/offer/\(id)/status", ["status": "countered", "version": 1])
            #expect(viaPatch.errorCode == "invalid_transition")
            #expect(try await api.patch("/api/offer/\(id)/status", ["version": 1]).errorFields == ["status"])
            #expect(try await api.patch("/api/offer/\(id)/status", ["status": "sent", "version": 1]).json["status"] == "sent")
            #expect(try await api.post("/api/offer/\(id)/send", ["version": 2]).errorCode == "invalid_transition")
            #expect(try await api.post("/api/offer/\(id)/reject", ["version": 2]).json["status"] == "rejected")
            let final = try await api.patch("/api/offer/\(id)/status", ["status": "cancelled", "version": 3])
            #expect(final.errorCode == "invalid_transition")
            #expect(final.json["error"]?["info"]?["allowed"] == [])
            // A stale version loses before the machine is asked.
            #expect(try await api.post("/api/offer/\(id)/accept", ["version": 1]).errorCode == "version_conflict")
            // Cancel from sent and from countered.
            let other = try await api.makeOffer(artist)
            _ = try await api.post("/api/offer/\(other)/send", ["version": 1])
            #expect(try await api.patch("/api/offer/\(other)/status", ["status": "cancelled", "version": 2]).json["status"] == "cancelled")
            let third = try await api.makeOffer(artist)
            _ = try await api.post("/api/offer/\(third)/send", ["version": 1])
            _ = try await api.post("/api/offer/\(third)/counter", ["version": 2, "notes": "later date?"])
            #expect(try await api.post("/api/offer/\(third)/reject", ["version": 3]).json["status"] == "rejected")
        }
    }

    @Test func aGuaranteeAtTheThresholdWaitsForApproval() async throws {
        try await withOffers { clients in
            let api = clients.a
            let database = clients.harness.database
            try await database.query("""
                INSERT INTO approval_thresholds (company_id, source_type, currency, threshold_minor, updated_by)
                VALUES (\(clients.companyA), 'offer', 'EUR', 600000, \(UUID())), (\(clients.companyA), 'offer', 'USD', 1, \(UUID()))
                """)
            let artist = try await api.makeAvailArtist("Big Ticket")
            let big = try await api.makeOffer(artist, guarantee: 600_000)
            let waiting = try await api.post("/api/offer/\(big)/send", ["version": 1])
            #expect(waiting.json["status"] == "pending_approval")
            #expect(waiting.json["nextStatuses"] == ["sent", "draft", "cancelled"])
            let item = try await database.query("""
                SELECT status, amount_minor, currency::text, title FROM approval_items
                WHERE company_id = \(clients.companyA) AND source_type = 'offer' AND source_id = \(big)
                """).first { try $0.decode((String, Int64?, String?, String).self) }
            #expect(item?.0 == "pending")
            #expect(item?.1 == 600_000)
            #expect(item?.2 == "EUR")
            #expect(item?.3 == "Offer: Big Ticket on 2027-06-12")
            // Only the approval queue moves it on; cancelling withdraws the request.
            #expect(try await api.post("/api/offer/\(big)/accept", ["version": 2]).errorCode == "invalid_transition")
            #expect(try await api.patch("/api/offer/\(big)/status", ["status": "cancelled", "version": 2]).json["status"] == "cancelled")
            let withdrawn = try await database.query("""
                SELECT status FROM approval_items WHERE company_id = \(clients.companyA) AND source_id = \(big)
                """).first { try $0.decode(String.self) }
            #expect(withdrawn == "cancelled")
            // Below the EUR threshold (the USD one does not apply): straight to sent, no item.
            let small = try await api.makeOffer(artist, guarantee: 599_999)
            #expect(try await api.post("/api/offer/\(small)/send", ["version": 1]).json["status"] == "sent")
            let count = try await database.query("""
                SELECT count(*) FROM approval_items WHERE company_id = \(clients.companyA) AND source_id = \(small)
                """).count()
            #expect(count == 0)
            // Company B has no threshold.
            let theirs = try await clients.b.makeOffer(try await clients.b.makeAvailArtist("B Band"), guarantee: 10_000_000)
            #expect(try await clients.b.post("/api/offer/\(theirs)/send", ["version": 1]).json["status"] == "sent")
        }
    }

    @Test func convertingAnOfferForAnExistingEventPutsTheArtistOnItsBill() async throws {
        try await withOffers { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Support Act")
            let event = try await insertOfferTestEvent(clients, company: clients.companyA)
            let created = try await api.post("/api/offer", offerBody(artist).setting("eventId", .string(event.uuidString)))
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["eventId"]?.uuid == event)
            _ = try await api.post("/api/offer/\(id)/send", ["version": 1])
            _ = try await api.post("/api/offer/\(id)/accept", ["version": 2])
            let converted = try await api.post("/api/offer/\(id)/convert-to-event", ["version": 3])
            #expect(converted.status == .ok)
            #expect(converted.json["eventCreated"] == false)
            #expect(converted.json["eventId"]?.uuid == event)
            let billed = try await clients.harness.database.query("""
                SELECT count(*) FROM event_artists WHERE company_id = \(clients.companyA) AND event_id = \(event) AND artist_id = \(artist)
                """).count()
            #expect(billed == 1)
            #expect(try await api.get("/api/offer?eventId=\(event)").json["total"] == 1)
        }
    }

    @Test func ofOneHundredConcurrentEditsWithTheSameVersionExactlyOneWins() async throws {
        try await withOffers { clients in
            let api = clients.a
            let artist = try await api.makeAvailArtist("Contended")
            let id = try await api.makeOffer(artist)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let body = offerBody(artist, guarantee: 600_000 + index).setting("version", 1)
                        let response = try await api.put("/api/offer/\(id)", body)
                        return (response.status, response.errorCode)
                    }
                }
                var all: [(HTTPResponse.Status, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.filter { $0.0 == .ok }.count == 1)
            #expect(statuses.filter { $0.0 == .conflict && $0.1 == "version_conflict" }.count == 99)
            let final = try await api.get("/api/offer/\(id)")
            #expect(final.json["version"] == 2)
            #expect(try await api.get("/api/offer/\(id)/versions").json["total"] == 2)
        }
    }
}
