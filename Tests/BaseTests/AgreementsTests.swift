import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 9, Agreements (10: "create from an offer, assets, agreement PDF generate/delete") and "Agreement and offer
/// PDFs: generated from the stored data by one shared PDF target … names in any script … come back out of
/// `pdftotext`; stored, downloadable, deleted with their agreement."
@Suite("Base agreements")
struct AgreementsTests {
    @Test func anAcceptedOfferBecomesAnAgreementWhosePdfStatesArtistDateAndTerms() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            #expect(try await api.put("/api/companies/current", ["name": "Mojo Concerts", "kind": "promoter"]).status == .created)
            let artist = try await AgreementFixtures.artist(api, "坂本龍一")
            let offer = try await AgreementFixtures.offer(t, artist: artist)

            let created = try await AgreementFixtures.agreement(api, offer: offer)
            let id = try #require(created.json["id"]?.uuid)
            #expect(created.json["status"] == "draft")
            #expect(created.json["title"] == "坂本龍一 – 2030-06-01")
            #expect(created.json["artistName"] == "坂本龍一")
            #expect(created.json["eventDate"] == "2030-06-01")
            #expect(created.json["venueName"] == "Paradiso")
            #expect(created.json["currency"] == "EUR")
            #expect(created.json["terms"]?["deal"]?["kind"] == "versus")
            #expect(created.json["terms"]?["scenario"]?["capacity"] == 500)
            #expect(created.json["pdf"] == .null)
            #expect(created.json["version"] == 1)
            // One live agreement per offer.
            let again = try await api.post("/api/agreements/create", ["offerId": .string(offer.uuidString)])
            #expect(again.status == .conflict)
            #expect(again.errorCode == "agreement_exists")
            #expect(again.json["error"]?["info"]?["agreementId"]?.uuid == id)

            #expect(try await api.get("/api/agreements/\(id)/pdf").errorCode == "pdf_not_found")
            let generated = try await api.post("/api/agreements/create/pdf/\(offer)")
            #expect(generated.status == .ok)
            let pdfInfo = try #require(generated.json["pdf"])
            #expect(pdfInfo["downloadUrl"]?.stringValue == "/api/agreements/\(id.uuidString.lowercased())/pdf")
            let sha = try #require(pdfInfo["sha256"]?.stringValue)
            #expect(sha.count == 64)

            let download = try await api.get("/api/agreements/\(id)/pdf")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.eTag] == "\"\(sha)\"")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"agreement-") == true)
            let bytes = Array(download.body.readableBytesView)
            #expect(bytes.count == pdfInfo["sizeBytes"]?.int)
            let text = PdfText.flattened(try await PdfText.extract(bytes))
            for expected in ["Performance agreement", "坂本龍一", "2030-06-01", "Paradiso", "Amsterdam", "Mojo Concerts",
                             "Versus deal: EUR 1,500.00 guaranteed versus 80% of the net receipts, whichever is greater.",
                             "Bonus of EUR 250.00 at 400 tickets sold.", "Expense Sound: EUR 500.00 (show expense).",
                             "Early bird", "EUR 25.00", "For the artist", "Page 1 of"] {
                #expect(text.contains(expected), "the agreement PDF lacks \(expected):\n\(text)")
            }

            // Regenerating replaces the stored document.
            let regenerated = try await api.post("/api/agreements/create/pdf/\(offer)")
            #expect(regenerated.status == .ok)
            #expect(regenerated.json["pdf"]?["generatedAt"] != pdfInfo["generatedAt"])

            // Deleting the PDF keeps the agreement.
            #expect(try await api.delete("/api/agreements/delete/pdf/\(offer)").status == .noContent)
            #expect(try await api.get("/api/agreements/\(id)").json["pdf"] == .null)
            #expect(try await api.get("/api/agreements/\(id)/pdf").errorCode == "pdf_not_found")
            #expect(try await api.delete("/api/agreements/delete/pdf/\(offer)").errorCode == "pdf_not_found")

            // Cancelling deletes the PDF with it and frees the offer for a new agreement.
            #expect(try await api.post("/api/agreements/create/pdf/\(offer)").status == .ok)
            let cancelled = try await api.put("/api/agreements/\(id)", ["title": "Cancelled show", "status": "cancelled", "version": 1])
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["pdf"] == .null)
            #expect(cancelled.json["version"] == 2)
            #expect(try await api.get("/api/agreements/\(id)/pdf").errorCode == "pdf_not_found")
            #expect(try await api.post("/api/agreements/create/pdf/\(offer)").errorCode == "agreement_required")
            #expect(try await api.delete("/api/agreements/delete/pdf/\(offer)").errorCode == "agreement_not_found")
            let second = try await AgreementFixtures.agreement(api, offer: offer, title: "Second try")
            #expect(second.json["title"] == "Second try")
        }
    }

    @Test func onlyAcceptedOffersOfTheCompanyBecomeAgreements() async throws {
        try await AgreementFixtures.run { t in
            let artist = try await AgreementFixtures.artist(t.a, "Sigur Rós")
            let draft = try await AgreementFixtures.offer(t, artist: artist, status: "draft")
            let refused = try await t.a.post("/api/agreements/create", ["offerId": .string(draft.uuidString)])
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "offer_not_accepted")
            #expect(refused.json["error"]?["info"]?["status"] == "draft")
            try await AgreementFixtures.setOfferStatus(t, draft, "converted")
            #expect(try await t.a.post("/api/agreements/create", ["offerId": .string(draft.uuidString)]).status == .created)

            let unknown = try await t.a.post("/api/agreements/create", ["offerId": .string(UUID().uuidString)])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.errorFields == ["offerId"])
            // Company B's offer is unknown to A, as a body reference (422) and in the path (404).
            let otherArtist = try await AgreementFixtures.artist(t.b, "Мумий Тролль")
            let otherOffer = try await AgreementFixtures.offer(t, company: t.companyB, artist: otherArtist)
            #expect(try await t.a.post("/api/agreements/create", ["offerId": .string(otherOffer.uuidString)]).errorFields == ["offerId"])
            #expect(try await t.a.post("/api/agreements/create/pdf/\(otherOffer)").status == .notFound)
            #expect(try await t.a.delete("/api/agreements/delete/pdf/\(otherOffer)").status == .notFound)
            #expect(try await t.a.post("/api/agreements/create/pdf/not-a-uuid").status == .notFound)

            // An accepted offer without an agreement has no PDF to generate yet.
            let accepted = try await AgreementFixtures.offer(t, artist: artist)
            #expect(try await t.a.post("/api/agreements/create/pdf/\(accepted)").errorCode == "agreement_required")

            // Validation and malformed bodies.
            let missing = try await t.a.post("/api/agreements/create", ["title": "  "])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.errorFields) == ["offerId", "title"])
            #expect(try await t.a.request(.post, "/api/agreements/create", rawBody: "{\"offerId\":").status == .badRequest)
            #expect(try await t.a.post("/api/agreements/create", ["offerId": "nope"]).status == .badRequest)
        }
    }

    @Test func statusMovesThroughItsMachineUnderTheVersionRead() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            let artist = try await AgreementFixtures.artist(api, "فيروز")
            let offer = try await AgreementFixtures.offer(t, artist: artist)
            let id = try #require(try await AgreementFixtures.agreement(api, offer: offer).json["id"]?.uuid)

            let stale = try await api.put("/api/agreements/\(id)", ["title": "T", "status": "sent", "version": 7])
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "version_conflict")
            #expect(stale.json["error"]?["info"]?["currentVersion"] == 1)
            let skipped = try await api.put("/api/agreements/\(id)", ["title": "T", "status": "signed", "version": 1])
            #expect(skipped.errorCode == "invalid_status_transition")
            #expect(skipped.json["error"]?["info"]?["allowed"] == ["sent", "cancelled"])

            let sent = try await api.put("/api/agreements/\(id)", ["title": " Fairuz live ", "notes": "call first", "status": "sent", "version": 1])
            #expect(sent.status == .ok)
            #expect(sent.json["title"] == "Fairuz live")
            #expect(sent.json["notes"] == "call first")
            #expect(try await api.post("/api/agreements/create/pdf/\(offer)").status == .ok)
            let text = PdfText.flattened(try await PdfText.extract(Array(try await api.get("/api/agreements/\(id)/pdf").body.readableBytesView)))
            #expect(text.contains("فيروز"), "the Arabic name comes back out:\n\(text)")
            #expect(text.contains("Fairuz live"))
            #expect(!text.contains("call first"), "notes are internal")

            // The same version twice: the second save loses.
            let signed = try await api.put("/api/agreements/\(id)", ["title": "Fairuz live", "status": "signed", "version": 2])
            #expect(signed.json["status"] == "signed")
            #expect(signed.json["notes"] == .null, "notes left out are cleared")
            #expect(try await api.put("/api/agreements/\(id)", ["title": "Other", "version": 2]).errorCode == "version_conflict")
            // A signed agreement keeps the document it was signed on.
            #expect(signed.json["pdf"] != .null)
            #expect(try await api.post("/api/agreements/create/pdf/\(offer)").errorCode == "agreement_signed")
            #expect(try await api.delete("/api/agreements/delete/pdf/\(offer)").errorCode == "agreement_signed")

            let cancelled = try await api.put("/api/agreements/\(id)", ["title": "Fairuz live", "status": "cancelled", "version": 3])
            #expect(cancelled.json["pdf"] == .null)
            #expect(try await api.put("/api/agreements/\(id)", ["title": "Back", "status": "draft", "version": 4]).errorCode
                    == "invalid_status_transition")

            let invalid = try await api.put("/api/agreements/\(id)", ["status": "lost", "notes": ""])
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(invalid.errorFields) == ["title", "status", "notes", "version"])
            #expect(try await api.put("/api/agreements/\(id)", ["title": "x", "version": "one"]).status == .badRequest)
            #expect(try await t.b.put("/api/agreements/\(id)", ["title": "x", "version": 4]).status == .notFound)
            #expect(try await api.put("/api/agreements/\(UUID())", ["title": "x", "version": 1]).status == .notFound)
        }
    }

    @Test func listsFilterSortAndPageWithinTheCompany() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            let first = try await AgreementFixtures.artist(api, "Alpha")
            let second = try await AgreementFixtures.artist(api, "Beta")
            let offerOne = try await AgreementFixtures.offer(t, artist: first, date: "2030-01-10")
            let offerTwo = try await AgreementFixtures.offer(t, artist: second, date: "2030-03-10")
            let one = try #require(try await AgreementFixtures.agreement(api, offer: offerOne, title: "Zed night").json["id"]?.uuid)
            let two = try #require(try await AgreementFixtures.agreement(api, offer: offerTwo).json["id"]?.uuid)
            #expect(try await api.put("/api/agreements/\(two)", ["title": "Beta – 2030-03-10", "status": "sent", "version": 1]).status == .ok)

            let all = try await api.get("/api/agreements")
            #expect(all.json["total"] == 2)
            #expect(all.json["items"]?[0]?["id"]?.uuid == two, "newest first")
            #expect(try await api.get("/api/agreements?sort=eventDate").json["items"]?[0]?["id"]?.uuid == one)
            #expect(try await api.get("/api/agreements?sort=title").json["items"]?[0]?["id"]?.uuid == two)
            #expect(try await api.get("/api/agreements?status=sent").json["total"] == 1)
            #expect(try await api.get("/api/agreements?artistId=\(first)").json["items"]?[0]?["id"]?.uuid == one)
            #expect(try await api.get("/api/agreements?offerId=\(offerTwo)").json["total"] == 1)
            #expect(try await api.get("/api/agreements?from=2030-02-01&to=2030-12-31").json["total"] == 1)
            #expect(try await api.get("/api/agreements?q=zed").json["total"] == 1)
            #expect(try await api.get("/api/agreements?q=beta").json["total"] == 1, "the artist's name matches too")
            let paged = try await api.get("/api/agreements?limit=1&page=2")
            #expect(paged.json["items"]?.arrayValue?.count == 1)
            #expect(paged.json["total"] == 2)
            #expect(try await api.get("/api/agreements?sort=size").status == .badRequest)
            #expect(try await api.get("/api/agreements?from=2030-02-30").status == .badRequest)

            #expect(try await t.b.get("/api/agreements").json["total"] == 0)
            #expect(try await t.b.get("/api/agreements/\(one)").status == .notFound)
            #expect(try await t.b.get("/api/agreements/\(one)/pdf").status == .notFound)
            #expect(try await api.get("/api/agreements/\(one)").json["title"] == "Zed night")
            #expect(try await api.get("/api/agreements/not-a-uuid").status == .notFound)
        }
    }

    @Test func everyRouteChecksItsPermission() async throws {
        try await AgreementFixtures.run { t in
            let artist = try await AgreementFixtures.artist(t.a, "Perm")
            let offer = try await AgreementFixtures.offer(t, artist: artist)
            let id = try #require(try await AgreementFixtures.agreement(t.a, offer: offer).json["id"]?.uuid)
            let reader = t.a(permissions: [BasePermission.agreementsRead])
            #expect(try await reader.get("/api/agreements").status == .ok)
            #expect(try await reader.get("/api/agreements/\(id)").status == .ok)
            #expect(try await reader.get("/api/agreements/\(id)/rider").status == .ok)
            #expect(try await reader.post("/api/agreements/create", ["offerId": .string(offer.uuidString)]).status == .forbidden)
            #expect(try await reader.put("/api/agreements/\(id)", ["title": "x", "version": 1]).status == .forbidden)
            #expect(try await reader.post("/api/agreements/create/pdf/\(offer)").status == .forbidden)
            #expect(try await reader.delete("/api/agreements/delete/pdf/\(offer)").status == .forbidden)
            #expect(try await reader.put("/api/agreements/\(id)/rider", ["assets": []]).status == .forbidden)
            #expect(try await AgreementFixtures.upload(reader, "/api/agreements/\(id)/rider", AgreementFixtures.pdfBytes).status == .forbidden)
            #expect(try await reader.get("/api/offer/\(offer)/pdf").status == .forbidden, "the offer PDF needs basic.offers.read")
            let nobody = t.a(permissions: [BasePermission.offersRead])
            #expect(try await nobody.get("/api/agreements").status == .forbidden)
            #expect(try await nobody.get("/api/agreements/\(id)/pdf").status == .forbidden)
            #expect(try await nobody.get("/api/agreements/\(id)/rider/\(UUID())").status == .forbidden)
            #expect(try await nobody.get("/api/offer/\(offer)/pdf").status == .ok)
        }
    }
}
