import Base
import Foundation
import KisumKernel
import KisumServiceClient
import KisumTesting
import Testing
import Venue

/// Issue 9's journey: "artist and venue exist → offer (versus deal) drafted, countered, accepted → agreement PDF
/// generated and readable (its text contains the artist, the date and the deal terms) → converted to an event with
/// tickets → sales recorded → settlement matches the hand-computed payout."
///
/// Platform Core, Venue and Base live; the venue is Venue's (created through its public API), linked in Base.
@Suite("System: the booking journey, offer to settlement", .timeLimit(.minutes(10)))
struct BookingJourneyTests {
    static func deal(guarantee: Int, percent: Int) -> JSONValue {
        [
            "kind": "versus", "currency": "EUR", "guaranteeMinor": .number(Double(guarantee)), "percentageBasisPoints": .number(Double(percent)),
            "splitPointMinor": .null, "bonuses": [], "ticketFeeMinor": 0, "ticketFeeBasisPoints": 0, "taxBasisPoints": 0, "rounding": "half_up",
            "expenses": [
                ["name": "Production", "kind": "fixed", "amountMinor": 150_000, "capMinor": .null, "basisPoints": .null, "borneBy": "show"],
                ["name": "Security", "kind": "capped", "amountMinor": 80_000, "capMinor": 60_000, "basisPoints": .null, "borneBy": "show"],
                ["name": "Card fees", "kind": "percent_of_gross", "amountMinor": .null, "capMinor": .null, "basisPoints": 300, "borneBy": "show"],
                ["name": "Marketing", "kind": "fixed", "amountMinor": 50_000, "capMinor": .null, "basisPoints": .null, "borneBy": "promoter"],
                ["name": "Hospitality", "kind": "capped", "amountMinor": 20_000, "capMinor": 25_000, "basisPoints": .null, "borneBy": "artist"],
            ],
        ]
    }

    @Test func anOfferBecomesAnAgreementAnEventAndASettlement() async throws {
        try await LiveCore.withSignedUpOwner(email: "owner@journey.example", company: "Journey Promotions") { live in
            let (verifier, resolver, workspace, token, storage) = (live.verifier, live.resolver, live.workspace, live.token, live.storage)
            let venueService = try await ServiceTestHarness(VenueService.self, settings: VenueSettings(storageDirectory: storage),
                                                            accessResolver: resolver, verifier: verifier)
            let (venuePort, venueID) = try await venueService.live { port in
                let api = Caller(baseURL: "http://127.0.0.1:\(port)").with(token: token, org: workspace)
                let venue = try await api.call("POST", "/api/v1/venues", ["name": "Paradiso", "city": "Amsterdam", "capacity": 1500])
                return (port, try #require(venue.json["id"]?.stringValue, "\(venue.json)"))
            }
            let base = try await ServiceTestHarness(BaseService.self, settings: BaseSettings(venue: VenueInventorySettings(
                baseURL: "http://127.0.0.1:\(venuePort)", apiKey: TestDefaults.internalKeys[0], timeout: .seconds(10))),
                accessResolver: resolver, verifier: verifier)
            try await venueService.live(port: venuePort) { _ in
                try await base.live { basePort in
                    let api = Caller(baseURL: "http://127.0.0.1:\(basePort)").with(token: token, org: workspace)
                    try await Self.journey(api, venueID: venueID)
                }
            }
        }
    }

    static func journey(_ api: Caller, venueID: String) async throws {
        // The artist and the venue exist.
        let artist = try #require(try await api.call("POST", "/api/artists", ["name": "Sigur Rós"]).json["id"]?.stringValue)
        let linked = try await api.call("POST", "/api/venues", ["venueId": .string(venueID)])
        #expect(linked.status == 201, "\(linked.json)")

        // Drafted (6,000.00 versus 85 %), sent, countered by the artist's side (7,500.00 versus 90 %), accepted.
        let drafted = try await api.call("POST", "/api/offer", [
            "artistId": .string(artist), "eventDate": "2027-06-12", "venueId": .string(venueID), "venueName": "Paradiso", "city": "Amsterdam",
            "currency": "EUR", "deal": deal(guarantee: 600_000, percent: 8_500),
            "scenario": ["capacity": 600, "tiers": [["name": "GA", "priceMinor": 2_000, "quantity": 500, "comps": 0],
                                                    ["name": "VIP", "priceMinor": 5_000, "quantity": 100, "comps": 0]]],
        ])
        #expect(drafted.status == 201, "\(drafted.json)")
        let offer = try #require(drafted.json["id"]?.stringValue)
        #expect(try await api.call("POST", "/api/offer/\(offer)/send", ["version": 1]).json["status"] == "sent")
        let countered = try await api.call("POST", "/api/offer/\(offer)/counter", ["version": 2, "deal": deal(guarantee: 750_000, percent: 9_000)])
        #expect(countered.json["status"] == "countered", "\(countered.json)")
        let accepted = try await api.call("POST", "/api/offer/\(offer)/accept", ["version": 3])
        #expect(accepted.json["status"] == "accepted", "\(accepted.json)")

        // The agreement and its PDF, read back as text.
        let agreement = try await api.call("POST", "/api/agreements/create", ["offerId": .string(offer)])
        #expect(agreement.status == 201, "\(agreement.json)")
        let agreementID = try #require(agreement.json["id"]?.stringValue)
        let generated = try await api.call("POST", "/api/agreements/create/pdf/\(offer)")
        #expect(generated.status == 200 || generated.status == 201, "\(generated.json)")
        let pdf = try await api.client.send("GET", "/api/agreements/\(agreementID)/pdf", body: nil, orgID: api.org?.uuidString.lowercased(),
                                            headers: [("Authorization", "Bearer \(api.token ?? "")")])
        #expect(pdf.status == 200)
        let text = PdfText.flattened(try await PdfText.extract(pdf.body))
        #expect(text.contains("Sigur Rós"), "\(text)")
        #expect(text.contains("2027-06-12"), "\(text)")
        #expect(text.contains("EUR 7,500.00") && text.contains("90%"), "\(text)")
        #expect(text.contains("Paradiso"), "\(text)")

        // Converted to an event, tickets put on sale and sold: GA 450 × 20.00 (+10 comps), VIP 80 × 50.00.
        let converted = try await api.call("POST", "/api/offer/\(offer)/convert-to-event", ["version": 4])
        #expect(converted.status == 201, "\(converted.json)")
        let event = try #require(converted.json["eventId"]?.stringValue)
        let ticket = try #require(try await api.call("POST", "/api/event-ticket", ["eventId": .string(event), "name": "Main", "capacity": 600])
            .json["id"]?.stringValue)
        for (name, price, capacity, sold, comps) in [("GA", 2_000, 500, 450, 10), ("VIP", 5_000, 100, 80, 0)] {
            let tier = try #require(try await api.call("POST", "/api/event-ticket/\(ticket)/tiers", [
                "name": .string(name), "priceMinor": .number(Double(price)), "capacity": .number(Double(capacity)),
            ]).json["id"]?.stringValue)
            let sale = try await api.call("POST", "/api/event-ticket/\(ticket)/sales", [
                "tierId": .string(tier), "soldOn": "2027-06-01", "quantity": .number(Double(sold)), "comps": .number(Double(comps)),
            ])
            #expect(sale.status == 201, "\(sale.json)")
        }

        // The actual expenses, through Event Expense - Approval (under the company's threshold, so approved on
        // submission). Settled from them. By hand: gross 900,000 + 400,000 = 1,300,000 (no tax, no fees); show
        // expenses Production 170,000 + Security 55,000 (under its 60,000 cap) + Card fees 3 % = 39,000 → 264,000;
        // net receipts 1,036,000; 90 % = 932,400 > 750,000, so the percentage wins; Hospitality 30,000 capped at
        // 25,000 is charged back: payout 907,400. Promoter: 1,036,000 − 932,400 − Marketing 50,000 = 53,600.
        let threshold = try await api.call("PUT", "/api/approval/thresholds", ["sourceType": "expense", "currency": "EUR", "thresholdMinor": 1_000_000])
        #expect(threshold.status == 200, "\(threshold.json)")
        for (category, amount) in [("production", 170_000), ("security", 55_000), ("hospitality", 30_000)] {
            let actual = try await api.call("POST", "/api/event-expense-approval", [
                "eventId": .string(event), "category": .string(category), "description": .string(category), "amountMinor": .number(Double(amount)),
                "currency": "EUR", "incurredOn": "2027-06-12",
            ])
            #expect(actual.json["status"] == "approved", "\(actual.json)")
        }
        let settled = try await api.call("POST", "/api/events/\(event)/settlement", [:])
        #expect(settled.status == 201, "\(settled.json)")
        #expect(settled.json["totals"]?["grossMinor"] == 1_300_000)
        #expect(settled.json["totals"]?["artistPayoutMinor"] == 907_400)
        #expect(settled.json["totals"]?["promoterResultMinor"] == 53_600)
        #expect(settled.json["lines"]?[0]?["outcome"]?["versusWinner"] == "percentage")
        #expect(settled.json["status"] == "signed")
        #expect(try await api.call("GET", "/api/events/\(event)").json["status"] == "settled")
    }
}
