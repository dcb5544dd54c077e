import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import Synchronization
import Testing

/// Issue 14: "The copilot's event insights are computed from the event's stored data (sell-through, break-even,
/// margin, comparison with similar past events) and are useful without any model; a model, when configured, only
/// phrases them. No model configured → the model routes answer `503 provider_not_configured`, the computed insights
/// still answer." The figures of `copilotBooks` are worked out by hand in each test.
@Suite("Base Event Intelligence Copilot")
struct CopilotTests {
    /// Subject: 200 of 500 sold (40%), gross 5,750.00; revenue 5,750.00 + 1,000.00 = 6,750.00; costs 3,000.00 + 600.00
    /// + 2,000.00 = 5,600.00; result 1,150.00; margin 1,150 / 6,750 = 17.04%. Average price 5,750.00 / 200 = 28.75;
    /// break-even ⌈(5,600.00 − 1,000.00) / 28.75⌉ = 160 tickets = 32% of 500. Similar (same venue or headliner):
    /// Paradiso in spring (80%, result 4,000.00, margin 40%) and Nova in London (50%, 12,500.00 EUR, 100%):
    /// averages 65%, gross 11,250.00, result 8,250.00, margin 70%.
    @Test func insightsAreComputedFromTheStoredDataWithoutAModel() async throws {
        try await withAI(BaseSettings()) { t in
            let books = try await t.copilotBooks()
            let answer = try await t.a.get("/api/event-intelligence-copilot/events/\(books.subject)/insights")
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["eventName"] == "Paradiso night")
            #expect(answer.json["currency"] == "EUR")
            #expect(answer.json["figures"] == [
                "capacity": 500, "ticketsSold": 200, "comps": 0, "ticketGrossMinor": 575_000, "otherIncomeMinor": 100_000,
                "revenueMinor": 675_000, "expensesMinor": 360_000, "artistFeesMinor": 200_000, "costsMinor": 560_000,
                "resultMinor": 115_000, "sellThroughBasisPoints": 4_000, "marginBasisPoints": 1_704, "averageTicketPriceMinor": 2_875,
                "breakEvenTickets": 160, "breakEvenSellThroughBasisPoints": 3_200,
            ])
            let comparison = answer.json["comparison"]
            #expect(comparison?["basis"] == "venue_or_headliner")
            #expect(comparison?["events"] == 2)
            #expect(Set(comparison?["eventIds"]?.arrayValue?.compactMap(\.uuid) ?? []) == [books.venueMatch, books.headlinerMatch])
            #expect(comparison?["averageSellThroughBasisPoints"] == 6_500)
            #expect(comparison?["averageTicketGrossMinor"] == 1_125_000)
            #expect(comparison?["averageRevenueMinor"] == 1_125_000)
            #expect(comparison?["averageCostsMinor"] == 300_000)
            #expect(comparison?["averageResultMinor"] == 825_000)
            #expect(comparison?["averageMarginBasisPoints"] == 7_000)
            #expect(answer.json["ratesUsed"]?.arrayValue?.map { "\($0["from"]?.stringValue ?? "")→\($0["to"]?.stringValue ?? "")" } == ["GBP→EUR"])

            let insights = answer.json["insights"]?.arrayValue ?? []
            #expect(insights.map { $0["code"]?.stringValue ?? "" } == [
                "sell_through", "ticket_gross", "result", "margin", "break_even_tickets", "similar_events", "similar_sell_through",
                "similar_result", "similar_margin",
            ])
            #expect(insights.map { $0["value"]?.doubleValue ?? -1 } == [4_000, 575_000, 115_000, 1_704, 160, 2, 6_500, 825_000, 7_000])
            #expect(insights.map { $0["unit"]?.stringValue ?? "" } == [
                "basis_points", "minor", "minor", "basis_points", "tickets", "events", "basis_points", "minor", "basis_points",
            ])
            #expect(insights[0]["sentence"] == "200 of 500 tickets are sold: 40% sell-through.")
            #expect(insights[1]["sentence"] == "Ticket sales have grossed EUR 5,750.00.")
            #expect(insights[2]["sentence"]?.stringValue == "On the stored figures the event makes EUR 1,150.00: revenue EUR 6,750.00 "
                    + "against costs EUR 5,600.00 (expenses EUR 3,600.00, artist fees EUR 2,000.00).")
            #expect(insights[3]["sentence"] == "That is a margin of 17.04% of revenue.")
            #expect(insights[4]["sentence"]?.stringValue == "At the average ticket price of EUR 28.75 the event breaks even at 160 tickets (32% of capacity); "
                    + "with 200 sold it is past break-even.")
            #expect(insights[5]["sentence"] == "Compared with 2 similar past events (same venue or headliner).")
            #expect(insights[6]["sentence"] == "They sold through 65% on average; this event is at 40%, 25 percentage points behind.")
            #expect(insights[7]["sentence"] == "Their average result was EUR 8,250.00; this event stands at EUR 1,150.00.")
            #expect(insights[8]["sentence"] == "Their average margin was 70% against 17.04% here.")

            // Without venue or headliner matches, the capacity band (±25% of 500 seats): Paradiso in spring and Melkweg.
            let band = try await t.a.get("/api/event-intelligence-copilot/events/\(books.bandSubject)/insights")
            #expect(band.status == .ok, "\(band.text)")
            #expect(band.json["comparison"]?["basis"] == "capacity_band")
            #expect(Set(band.json["comparison"]?["eventIds"]?.arrayValue?.compactMap(\.uuid) ?? []) == [books.venueMatch, books.bandOnly])
            #expect(band.json["figures"]?["averageTicketPriceMinor"] == 3_000, "before any sale, the face value per seat")
            #expect(band.json["figures"]?["breakEvenTickets"] == 0)
            #expect(band.json["figures"]?["marginBasisPoints"] == .null)

            // Nothing to compare with, no capacity, no price: the insights say so.
            let lonely = try await t.a.get("/api/event-intelligence-copilot/events/\(books.lonely)/insights")
            #expect(lonely.status == .ok, "\(lonely.text)")
            #expect(lonely.json["comparison"]?["basis"] == "none")
            #expect(lonely.json["comparison"]?["events"] == 0)
            #expect(lonely.json["comparison"]?["averageResultMinor"] == .null)
            let codes = lonely.json["insights"]?.arrayValue?.map { $0["code"]?.stringValue ?? "" }
            #expect(codes == ["tickets_sold", "ticket_gross", "result", "similar_events"])
            #expect(lonely.json["insights"]?[3]?["value"] == 0)

            // No model: asking is 503, the insights above still answered.
            let ask = try await t.a.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(books.subject), "question": "On track?"])
            #expect(ask.status == .serviceUnavailable)
            #expect(ask.errorCode == "provider_not_configured")
            #expect(try await t.aiMessageCount() == 0)
        }
    }

    @Test func aMissingRateIs422AndAccessIsChecked() async throws {
        try await withAI(BaseSettings()) { t in
            let event = try await t.cpEvent("Dollar night", day: 20, venue: "Bowery")
            try await t.mvEstimate(event, 10_000, "USD", due: DashboardTests.day(15))
            let missing = try await t.a.get("/api/event-intelligence-copilot/events/\(event)/insights")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.errorCode == "exchange_rate_missing")
            #expect(missing.json["error"]?["info"]?["from"] == "USD")
            #expect(missing.json["error"]?["info"]?["to"] == "EUR")

            let plain = try await t.cpEvent("Plain", day: 20, venue: nil)
            #expect(try await t.a.get("/api/event-intelligence-copilot/events/\(plain)/insights").status == .ok)
            #expect(try await t.b.get("/api/event-intelligence-copilot/events/\(plain)/insights").status == .notFound)
            #expect(try await t.a.get("/api/event-intelligence-copilot/events/\(UUID())/insights").status == .notFound)
            #expect(try await t.a.get("/api/event-intelligence-copilot/events/nope/insights").status == .notFound)
            // The figures show money: events, income and expenses read are all needed.
            for absent in aiPermissions {
                let member = t.a(permissions: aiPermissions.filter { $0 != absent })
                let refused = try await member.get("/api/event-intelligence-copilot/events/\(plain)/insights")
                #expect(refused.status == .forbidden)
                #expect(refused.json["error"]?["info"]?["permission"]?.stringValue == absent)
                #expect(try await member.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(plain), "question": "Hi"]).status == .forbidden)
                #expect(try await member.get("/api/event-intelligence-copilot/conversations/\(UUID())").status == .forbidden)
            }
        }
    }

    @Test func askSendsTheComputedInsightsAndTheHistoryToTheModel() async throws {
        try await withFakeAI { fake, t in
            let books = try await t.copilotBooks()
            let first = try await t.a.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(books.subject), "question": "Are we on track?"])
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["conversation"]?["kind"] == "copilot")
            #expect(first.json["conversation"]?["eventId"]?.uuid == books.subject)
            #expect(first.json["conversation"]?["title"] == "Are we on track?")
            #expect(first.json["message"]?["content"] == "OpenAI on: Are we on track?")
            #expect(first.json["message"]?["provider"] == "openai")
            #expect(first.json["insights"]?["figures"]?["resultMinor"] == 115_000)
            let sent = try #require(fake.last("/v1/chat/completions"))
            #expect(sent.headers["authorization"] == "Bearer \(FakeAIProviders.openAIKey)")
            let messages = sent.body["messages"]?.arrayValue ?? []
            #expect(messages.map { $0["role"]?.stringValue } == ["system", "user"])
            let system = messages.first?["content"]?.stringValue ?? ""
            #expect(system.contains("Event: Paradiso night on \(DashboardTests.day(30))"))
            #expect(system.contains("- [sell_through] 200 of 500 tickets are sold: 40% sell-through."))
            #expect(system.contains("- [break_even_tickets] At the average ticket price of EUR 28.75"))
            #expect(system.contains("Do not invent"))

            let id = try #require(first.json["conversation"]?["id"]?.uuid)
            let second = try await t.a.post("/api/event-intelligence-copilot/ask",
                                            ["eventId": .uuid(books.subject), "question": "And the margin?", "conversationId": .uuid(id)])
            #expect(second.status == .ok, "\(second.text)")
            #expect(second.json["conversation"]?["messageCount"] == 4)
            let history = fake.last("/v1/chat/completions")?.body["messages"]?.arrayValue ?? []
            #expect(history.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "user"])
            #expect(history[1]["content"] == "Are we on track?")
            #expect(history[3]["content"] == "And the margin?")

            let read = try await t.a.get("/api/event-intelligence-copilot/conversations/\(id)")
            #expect(read.status == .ok, "\(read.text)")
            #expect(read.json["messages"]?.arrayValue?.map { $0["content"]?.stringValue ?? "" } ==
                    ["Are we on track?", "OpenAI on: Are we on track?", "And the margin?", "OpenAI on: And the margin?"])
            #expect(try await t.a.get("/api/ai-kisum/conversation/\(id)").json["kind"] == "copilot")
            // Only its owner reads it.
            #expect(try await t.a(permissions: aiPermissions).get("/api/event-intelligence-copilot/conversations/\(id)").status == .notFound)
            #expect(try await t.b.get("/api/event-intelligence-copilot/conversations/\(id)").status == .notFound)

            // Conversations stay with their kind and event.
            let assistant = try #require(try await t.a.post("/api/ai-kisum", ["message": "Hi"]).json["conversation"]?["id"]?.uuid)
            #expect(try await t.a.get("/api/event-intelligence-copilot/conversations/\(assistant)").status == .notFound)
            let wrongKind = try await t.a.post("/api/event-intelligence-copilot/ask",
                                               ["eventId": .uuid(books.subject), "question": "Hi", "conversationId": .uuid(assistant)])
            #expect(wrongKind.errorFields == ["conversationId"])
            #expect(wrongKind.json["error"]?["details"]?[0]?["code"] == "assistant_conversation")
            let otherEvent = try await t.a.post("/api/event-intelligence-copilot/ask",
                                                ["eventId": .uuid(books.bandSubject), "question": "Hi", "conversationId": .uuid(id)])
            #expect(otherEvent.json["error"]?["details"]?[0]?["code"] == "conversation_event_mismatch")
            let viaChat = try await t.a.post("/api/ai-kisum/chat", ["conversationId": .uuid(id), "message": "Hi"])
            #expect(viaChat.json["error"]?["details"]?[0]?["code"] == "copilot_conversation")

            // Validation, unknown or another company's event, provider failure: nothing stored, the model not asked.
            let stored = try await t.aiMessageCount()
            let calls = fake.count
            #expect(Set(try await t.a.post("/api/event-intelligence-copilot/ask", [:]).errorFields) == ["eventId", "question"])
            #expect(try await t.a.post("/api/event-intelligence-copilot/ask", ["eventId": "x", "question": "Hi"]).status == .badRequest)
            #expect(try await t.a.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(UUID()), "question": "Hi"]).status == .notFound)
            #expect(try await t.b.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(books.subject), "question": "Hi"]).status == .notFound)
            #expect(fake.count == calls)
            fake.failure.withLock { $0 = (500, "down") }
            let down = try await t.a.post("/api/event-intelligence-copilot/ask", ["eventId": .uuid(books.subject), "question": "Hi"])
            #expect(down.status == .serviceUnavailable)
            #expect(down.errorCode == "ai_provider_unavailable")
            #expect(try await t.aiMessageCount() == stored)
        }
    }
}
