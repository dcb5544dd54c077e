import Foundation
import KisumDeals

/// Writes the insights' sentences from the computed figures (pure: no I/O, no model). The sentences are the
/// copilot's answer without a model and what a model is given to phrase.
enum EventInsightWriter {
    static func insights(_ row: EventInsightsRow) -> [EventInsight] {
        let f = row.figures
        let money = { (amount: Int64) in CurrencyUnits.format(amount, row.currency) }
        var out: [EventInsight] = []

        if let sellThrough = f.sellThroughBasisPoints?.value, f.capacity > 0 {
            out.append(EventInsight(code: "sell_through", value: sellThrough, unit: "basis_points",
                                    sentence: "\(count(f.ticketsSold)) of \(count(f.capacity)) tickets are sold: \(percent(sellThrough)) sell-through."))
        } else {
            out.append(EventInsight(code: "tickets_sold", value: Int64(f.ticketsSold), unit: "tickets",
                                    sentence: "\(count(f.ticketsSold)) tickets are sold; no capacity is recorded, so sell-through is unknown."))
        }
        out.append(EventInsight(code: "ticket_gross", value: f.ticketGrossMinor.value, unit: "minor",
                                sentence: "Ticket sales have grossed \(money(f.ticketGrossMinor.value))."))

        let result = f.resultMinor.value
        let outcome = result >= 0 ? "makes \(money(result))" : "loses \(money(0 &- result))"
        out.append(EventInsight(code: "result", value: result, unit: "minor",
                                sentence: "On the stored figures the event \(outcome): revenue \(money(f.revenueMinor.value)) "
                                    + "against costs \(money(f.costsMinor.value)) (expenses \(money(f.expensesMinor.value)), "
                                    + "artist fees \(money(f.artistFeesMinor.value)))."))
        if let margin = f.marginBasisPoints?.value {
            out.append(EventInsight(code: "margin", value: margin, unit: "basis_points",
                                    sentence: "That is a margin of \(percent(margin)) of revenue."))
        }
        if let tickets = f.breakEvenTickets?.value, let price = f.averageTicketPriceMinor?.value {
            out.append(EventInsight(code: "break_even_tickets", value: tickets, unit: "tickets",
                                    sentence: breakEven(tickets: tickets, price: money(price), f)))
        }
        out += comparison(row, money: money)
        return out
    }

    static func breakEven(tickets: Int64, price: String, _ f: EventInsightFigures) -> String {
        if tickets == 0 { return "The stored costs are covered without selling a ticket: other income meets them." }
        var share = ""
        if let bp = f.breakEvenSellThroughBasisPoints?.value { share = " (\(percent(bp)) of capacity)" }
        let base = "At the average ticket price of \(price) the event breaks even at \(count(tickets)) tickets\(share)"
        let sold = Int64(f.ticketsSold)
        if sold >= tickets { return base + "; with \(count(sold)) sold it is past break-even." }
        if f.capacity > 0, tickets > Int64(f.capacity) {
            return base + ", more than its capacity of \(count(f.capacity)): ticket sales alone cannot cover the costs."
        }
        return base + ": \(count(tickets - sold)) more to sell."
    }

    static func comparison(_ row: EventInsightsRow, money: (Int64) -> String) -> [EventInsight] {
        let c = row.comparison
        let f = row.figures
        guard c.events > 0 else {
            return [EventInsight(code: "similar_events", value: 0, unit: "events",
                                 sentence: "There are no similar past events (same venue, same headliner or a capacity within 25%) to compare with.")]
        }
        let basis = c.basis == "capacity_band" ? "capacity within 25% of this one's" : "same venue or headliner"
        var out = [EventInsight(code: "similar_events", value: Int64(c.events), unit: "events",
                                sentence: "Compared with \(count(c.events)) similar past \(c.events == 1 ? "event" : "events") (\(basis)).")]
        if let average = c.averageSellThroughBasisPoints?.value {
            var sentence = "They sold through \(percent(average)) on average"
            if let own = f.sellThroughBasisPoints?.value {
                let gap = own - average
                sentence += gap == 0 ? "; this event is level with them." :
                    "; this event is at \(percent(own)), \(String(percent(abs(gap)).dropLast())) percentage points \(gap > 0 ? "ahead" : "behind")."
            } else {
                sentence += "."
            }
            out.append(EventInsight(code: "similar_sell_through", value: average, unit: "basis_points", sentence: sentence))
        }
        if let average = c.averageResultMinor?.value {
            out.append(EventInsight(code: "similar_result", value: average, unit: "minor",
                                    sentence: "Their average result was \(money(average)); this event stands at \(money(f.resultMinor.value))."))
        }
        if let average = c.averageMarginBasisPoints?.value {
            var sentence = "Their average margin was \(percent(average))"
            if let own = f.marginBasisPoints?.value { sentence += " against \(percent(own)) here" }
            out.append(EventInsight(code: "similar_margin", value: average, unit: "basis_points", sentence: sentence + "."))
        }
        return out
    }

    /// Basis points as a percentage ("6,250" → "62.5%"); values are clamped to ±10^12 by the statement.
    static func percent(_ bp: Int64) -> String {
        CurrencyUnits.percent(basisPoints: Int(clamping: bp))
    }

    static func count(_ n: Int) -> String { count(Int64(n)) }

    static func count(_ n: Int64) -> String {
        var digits = Array(String(n.magnitude))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        return (n < 0 ? "-" : "") + String(digits) + grouped
    }
}
