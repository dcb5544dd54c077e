import Foundation
import Hummingbird
import KisumDeals
import KisumKernel

/// `GET /api/event-intelligence-copilot/events/{eventId}/insights`: what the event's stored data says, computed by
/// Base without any model (issue 14: "useful without any model; a model, when configured, only phrases them").
/// Every amount is in the event's currency, each line converted on its own day (rates in `ratesUsed`).
///
/// - **Tickets**: sold, comps and capacity from the event's ticket tiers (0013); capacity is the tiers' total, else the
///   event's own capacity. Sell-through = sold / capacity.
/// - **Revenue** = ticket gross (recorded sales) + income lines other than `ticketing` (the box office is counted once,
///   from the sales). **Costs** = expense lines (an approved actual where one exists, else the estimate, as the
///   analytics count them) + the guarantees of accepted and converted offers, unless the event has `artist_fee`
///   expense lines (then those lines are the fee). **Result** = revenue − costs; **margin** = result / revenue.
/// - **Break-even**: the tickets whose sales cover the costs other income leaves: ⌈max(costs − other income, 0) /
///   average price⌉, the average price being gross / sold, or before any sale the tiers' face value per seat.
/// - **Similar past events**: the company's events before today (confirmed through settled) with the same venue (id,
///   or name ignoring case) or a shared headliner or co-headliner; when none, those whose capacity is within ±25% of
///   this one's. The newest 20 are averaged, each computed like this event and converted into its currency.
public struct EventInsights: ResponseEncodable, Sendable, Equatable {
    public var eventId: UUID
    public var eventName: String
    public var eventDate: String
    public var eventStatus: String
    public var currency: String
    public var figures: EventInsightFigures
    public var comparison: EventComparison
    public var insights: [EventInsight]
    public var ratesUsed: [MoneyViewRateUsed]
}

public struct EventInsightFigures: Codable, Sendable, Equatable {
    public var capacity: Int
    public var ticketsSold: Int
    public var comps: Int
    public var ticketGrossMinor: ExactMinor
    public var otherIncomeMinor: ExactMinor
    public var revenueMinor: ExactMinor
    public var expensesMinor: ExactMinor
    public var artistFeesMinor: ExactMinor
    public var costsMinor: ExactMinor
    public var resultMinor: ExactMinor
    public var sellThroughBasisPoints: ExactMinor?
    public var marginBasisPoints: ExactMinor?
    public var averageTicketPriceMinor: ExactMinor?
    public var breakEvenTickets: ExactMinor?
    public var breakEvenSellThroughBasisPoints: ExactMinor?
}

public struct EventComparison: Codable, Sendable, Equatable {
    /// `venue_or_headliner`, `capacity_band` or `none`.
    public var basis: String
    public var events: Int
    public var eventIds: [UUID]
    public var averageSellThroughBasisPoints: ExactMinor?
    public var averageTicketGrossMinor: ExactMinor?
    public var averageRevenueMinor: ExactMinor?
    public var averageCostsMinor: ExactMinor?
    public var averageResultMinor: ExactMinor?
    public var averageMarginBasisPoints: ExactMinor?
}

/// One finding: a stable machine `code`, its number (`unit`: `basis_points`, `minor` in the event's currency,
/// `tickets` or `events`) and a plain-English sentence written by Base.
public struct EventInsight: Codable, Sendable, Equatable {
    public var code: String
    public var value: Int64
    public var unit: String
    public var sentence: String
}

/// `POST /api/event-intelligence-copilot/ask`: a question about an event, in a new copilot conversation unless
/// `conversationId` names one of the caller's copilot conversations about the same event.
struct CopilotQuestion: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var question: String?
    var conversationId: UUID?

    func validate(_ v: inout Validator) {
        v.check(eventId != nil, "eventId", "required", "This field is required.")
        v.text(question, "question", maxLength: AIBounds.messageLength)
    }
}

/// The copilot's answer: the conversation, the stored question and answer, and the insights the model was given.
public struct CopilotAnswer: ResponseEncodable, Sendable, Equatable {
    public var conversation: AIConversation
    public var userMessage: AIMessage
    public var message: AIMessage
    public var insights: EventInsights
}
