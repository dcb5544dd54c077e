import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/dashboard/stats`: KPIs of a window (default: this month) in one reporting currency. Money follows
/// the cash flow's rules: income expected on its expected day and received on its payment day, expenses
/// estimated on their due day and actual (approved) on the day incurred; expected figures leave cancelled events
/// out. Receivables are not windowed: what is still owed on every income line of a live event today.
public struct DashboardStats: ResponseEncodable, Sendable, Equatable {
    public var currency: String
    public var from: String
    public var to: String
    public var events: DashboardEvents
    public var income: DashboardIncome
    public var expenses: DashboardExpenses
    /// expected = income expected − expenses estimated; actual = income received − actual expenses.
    public var net: ExpectedActual
    public var receivables: DashboardReceivables
    /// Actual expenses submitted and waiting for their approval (a count: nothing is converted).
    public var pendingExpenseApprovals: Int
    public var tickets: DashboardTickets
    public var ratesUsed: [MoneyViewRateUsed]
}

public struct DashboardEvents: Codable, Sendable, Equatable {
    /// Events dated in the window.
    public var total: Int
    public var byStatus: EventStatusCounts
    /// Events from today on that are still to happen (not cancelled, completed or settled), whatever the window.
    public var upcoming: Int
}

public struct EventStatusCounts: Codable, Sendable, Equatable {
    public var draft: Int
    public var hold: Int
    public var confirmed: Int
    public var announced: Int
    public var onSale: Int
    public var completed: Int
    public var settled: Int
    public var cancelled: Int
}

public struct DashboardIncome: Codable, Sendable, Equatable {
    public var expectedMinor: ExactMinor
    public var receivedMinor: ExactMinor
}

public struct DashboardExpenses: Codable, Sendable, Equatable {
    public var estimatedMinor: ExactMinor
    public var actualMinor: ExactMinor
}

public struct DashboardReceivables: Codable, Sendable, Equatable {
    /// Σ (amount − paid) over the open income lines of events not cancelled.
    public var outstandingMinor: ExactMinor
    /// The part of it expected before today.
    public var overdueMinor: ExactMinor
}

/// Ticket sales of the window's live events: paid tickets and comps against the price tiers' capacity.
public struct DashboardTickets: Codable, Sendable, Equatable {
    public var sold: Int
    public var comps: Int
    public var capacity: Int
    /// sold / capacity in basis points (half away from zero); null without capacity.
    public var sellThroughBasisPoints: Int?
}

/// `GET /api/dashboard/upcoming-events`: the next events from today, with their headline money in each event's own
/// reporting currency (`events.currency`), converted line by line like the other views.
public struct UpcomingEvent: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var status: String
    public var date: String
    public var venueName: String?
    public var city: String?
    public var currency: String
    public var artists: [UpcomingArtist]
    public var money: UpcomingMoney
    public var ticketsSold: Int
    public var ticketCapacity: Int
}

public struct UpcomingArtist: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var role: String
}

/// Income expected and received; expenses as the analytics count them (approved actual where one exists, else
/// the estimate), with both parts; net = income − expenses.
public struct UpcomingMoney: Codable, Sendable, Equatable {
    public var incomeMinor: ExactMinor
    public var receivedMinor: ExactMinor
    public var expensesMinor: ExactMinor
    public var actualExpensesMinor: ExactMinor
    public var estimatedExpensesMinor: ExactMinor
    public var netMinor: ExactMinor
}

public struct UpcomingEvents: ResponseEncodable, Sendable, Equatable {
    public var items: [UpcomingEvent]
    public var ratesUsed: [MoneyViewRateUsed]
}

/// `GET /api/dashboard`: both at once.
public struct DashboardOverview: ResponseEncodable, Sendable, Equatable {
    public var stats: DashboardStats
    public var upcomingEvents: UpcomingEvents
}
