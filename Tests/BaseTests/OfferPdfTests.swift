import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import NIOCore
import Testing

/// Issue 9, Offer: "PDF" — `GET /api/offer/{id}/pdf`, "generated from the stored data by one shared PDF target …:
/// names in any script … render and come back out of `pdftotext`".
@Suite("Base offer PDF")
struct OfferPdfTests {
    @Test func theOfferPdfStatesArtistDateVenueTermsScenarioAndPotential() async throws {
        try await AgreementFixtures.run { t in
            let api = t.a
            let artist = try await AgreementFixtures.artist(api, "Мумий Тролль")
            let offer = try await AgreementFixtures.offer(t, artist: artist, status: "sent", date: "2031-02-14", venue: "Зал Ожидания", city: "Москва")
            let response = try await api.get("/api/offer/\(offer)/pdf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let text = PdfText.flattened(try await PdfText.extract(Array(response.body.readableBytesView)))
            for expected in ["Offer", "Мумий Тролль", "2031-02-14", "Friday 14 February 2031", "Зал Ожидания", "Москва", "sent",
                             "Versus deal: EUR 1,500.00 guaranteed versus 80% of the net receipts, whichever is greater.",
                             "Early bird", "Regular", "EUR 9,500.00", "Total", "480",
                             "Break even tickets", "212", "Artist payout", "EUR 6,000.00", "EUR -200.00"] {
                #expect(text.contains(expected), "the offer PDF lacks \(expected):\n\(text)")
            }
            #expect(try await t.b.get("/api/offer/\(offer)/pdf").status == .notFound)
            #expect(try await api.get("/api/offer/\(UUID())/pdf").status == .notFound)
            #expect(try await api.get("/api/offer/not-a-uuid/pdf").status == .notFound)
        }
    }

    /// A deal the document cannot read is said so in the document, never a 500.
    @Test func anUnreadableDealStillRenders() async throws {
        try await AgreementFixtures.run { t in
            let artist = try await AgreementFixtures.artist(t.a, "Odd Deal")
            let offer = try await AgreementFixtures.offer(t, artist: artist, venue: nil, city: nil, deal: #"{"kind":"mystery"}"#)
            let response = try await t.a.get("/api/offer/\(offer)/pdf")
            #expect(response.status == .ok)
            let text = PdfText.flattened(try await PdfText.extract(Array(response.body.readableBytesView)))
            #expect(text.contains("The deal terms are not set."))
            #expect(text.contains("To be confirmed"), "no venue yet")
        }
    }
}
