import Foundation
import KisumKernel

/// The prediction models over an artist's stored history: pure and deterministic (no I/O, no clock), so each
/// answer can be worked out by hand (`ArtistInsightsPredictionTests` does). The formulas here are the ones the
/// contract states; change both together.
///
/// Shows used: played shows with tickets sold known, performed on or before the target `date` (the
/// repository passes at most the 10,000 latest). None → the caller answers 422 `insufficient_history`.
///
/// - v1: expectedTickets = roundHalfUp(Σ wᵢ·ticketsᵢ / Σ wᵢ), wᵢ = 0.5^(ageDaysᵢ/365), ageDaysᵢ = date − performedOnᵢ,
///   then at most `capacity` when given. The weights are Doubles (counts only, never money).
/// - v2: v1 over the market's shows: same city (case-insensitive; and same country when `countryId` is given) if
///   any, else same country if any, else all shows; `marketLevel` says which.
/// - v3: v2 × seasonality, then rounded and capped as v1. seasonality (basis points) = roundHalfUp(10000 ×
///   (mean tickets of the market's shows in the target month ±1) / (mean tickets of the market's shows)), bounded
///   to [5000, 20000]; 10000 when no market show falls in those months or no ticket was sold. Per currency c of the
///   market's shows with tickets > 0: expectedGross_c = roundHalfUp(expectedTickets × Σgross_c / Σtickets_c),
///   expectedFee_c likewise with fees, meanTicketPrice_c = roundHalfUp(Σgross_c / Σtickets_c), in integer minor
///   units, capped at 10^15.
/// - confidence by the number of shows used: 1–2 low, 3–9 medium, 10 or more high.
enum PredictionModel: String, Sendable, CaseIterable {
    case v1, v2, v3

    var formula: String {
        switch self {
        case .v1:
            return "expectedTickets = min(capacity, roundHalfUp(Σ wᵢ·ticketsᵢ / Σ wᵢ)), wᵢ = 0.5^(ageDaysᵢ/365), ageDaysᵢ = date − performedOnᵢ, over played shows on or before date"
        case .v2:
            return "v1 over the market's shows: same city (and country when given), else same country, else all"
        case .v3:
            return "expectedTickets = min(capacity, roundHalfUp(v2mean × seasonality / 10000)), seasonality = clamp(roundHalfUp(10000 × meanTickets(month ±1) / meanTickets), 5000, 20000); expected_c = roundHalfUp(expectedTickets × Σamount_c / Σtickets_c)"
        }
    }
}

/// One past show as the models see it.
struct PredictionShow: Sendable, Equatable {
    /// `YYYY-MM-DD`.
    var performedOn: String
    var city: String?
    var countryId: UUID?
    var ticketsSold: Int
    var grossMinor: Int64? = nil
    var grossCurrency: String? = nil
    var feeMinor: Int64? = nil
    var feeCurrency: String? = nil
}

/// What a prediction is asked for (validated by `PredictionRequest`).
struct PredictionQuery: Sendable, Codable, Equatable {
    /// `YYYY-MM-DD`, 1900–2199.
    var date: String
    var countryId: UUID?
    var city: String?
    /// 0…10,000,000.
    var capacity: Int?
}

/// A model's answer: counts and integer money only.
public struct PredictionResult: Codable, Sendable, Equatable {
    public var model: String
    public var expectedTickets: Int
    /// Shows the mean was taken over.
    public var basedOnShows: Int
    public var confidence: String
    /// True when the mean was above `capacity` and the answer is the capacity.
    public var clampedToCapacity: Bool
    /// expectedTickets × 10000 / capacity rounded half up (basis points), when capacity > 0.
    public var expectedFillRate: Int?
    /// v2, v3: city, country or all.
    public var marketLevel: String?
    /// v3 only.
    public var seasonality: Seasonality?
    public var expectedGross: [CurrencyAmount]?
    public var expectedFee: [CurrencyAmount]?
    public var meanTicketPrice: [CurrencyAmount]?
    public var formula: String
}

public struct Seasonality: Codable, Sendable, Equatable {
    /// The target month and its neighbours (1–12).
    public var months: [Int]
    public var showsInWindow: Int
    /// Basis points (10000 = no effect), within 5000…20000.
    public var factor: Int
}

enum ArtistPredictor {
    /// Nil when no show qualifies (422 `insufficient_history`).
    static func predict(_ model: PredictionModel, query: PredictionQuery, history: [PredictionShow]) -> PredictionResult? {
        guard let target = Day.number(query.date) else { return nil }
        let usable = history.compactMap { show -> (show: PredictionShow, age: Int)? in
            guard let day = Day.number(show.performedOn), day <= target, show.ticketsSold >= 0 else { return nil }
            return (show, target - day)
        }
        guard !usable.isEmpty else { return nil }
        var level: String?
        var matched = usable
        if model != .v1 { (level, matched) = market(usable, query: query) }

        var weighted = 0.0, weights = 0.0
        for (show, age) in matched {
            let w = exp2(-Double(age) / 365)
            weighted += w * Double(show.ticketsSold)
            weights += w
        }
        var mean = weights > 0 ? weighted / weights : 0
        var seasonality: Seasonality?
        if model == .v3 {
            let season = seasonalityFactor(matched.map(\.show), month: Day.month(query.date))
            seasonality = season
            mean = mean * Double(season.factor) / 10_000
        }
        let unclamped = roundedCount(mean)
        let expected = query.capacity.map { min($0, unclamped) } ?? unclamped
        var result = PredictionResult(
            model: model.rawValue, expectedTickets: expected, basedOnShows: matched.count, confidence: confidence(matched.count),
            clampedToCapacity: expected < unclamped, expectedFillRate: fillRate(expected, capacity: query.capacity),
            marketLevel: level, seasonality: seasonality, formula: model.formula)
        if model == .v3 {
            let shows = matched.map(\.show)
            result.expectedGross = perTicket(shows, expected: expected, amount: { ($0.grossMinor, $0.grossCurrency) })
            result.expectedFee = perTicket(shows, expected: expected, amount: { ($0.feeMinor, $0.feeCurrency) })
            result.meanTicketPrice = perTicket(shows, expected: 1, amount: { ($0.grossMinor, $0.grossCurrency) })
        }
        return result
    }

    /// Same city (and country when given), else same country, else everything.
    static func market(_ shows: [(show: PredictionShow, age: Int)], query: PredictionQuery) -> (String, [(show: PredictionShow, age: Int)]) {
        if let city = normalized(query.city) {
            let sameCity = shows.filter { normalized($0.show.city) == city && (query.countryId == nil || $0.show.countryId == query.countryId) }
            if !sameCity.isEmpty { return ("city", sameCity) }
        }
        if let country = query.countryId {
            let sameCountry = shows.filter { $0.show.countryId == country }
            if !sameCountry.isEmpty { return ("country", sameCountry) }
        }
        return ("all", shows)
    }

    static func normalized(_ city: String?) -> String? {
        guard let text = city?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), !text.isEmpty else { return nil }
        return text
    }

    /// The month ±1 (wrapping December–January) against the whole, as exact integers.
    static func seasonalityFactor(_ shows: [PredictionShow], month: Int) -> Seasonality {
        let months = [(month + 10) % 12 + 1, month, month % 12 + 1]
        let window = shows.filter { months.contains(Day.month($0.performedOn)) }
        let total = shows.reduce(Int128(0)) { $0 + Int128($1.ticketsSold) }
        let inWindow = window.reduce(Int128(0)) { $0 + Int128($1.ticketsSold) }
        var factor = 10_000
        if !window.isEmpty, total > 0 {
            // (inWindow / k) / (total / n) = inWindow × n / (total × k)
            let ratio = roundHalfUp(Int128(10_000) * inWindow * Int128(shows.count), Int128(window.count) * total)
            factor = Int(clamping: min(max(ratio, 5_000), 20_000))
        }
        return Seasonality(months: months, showsInWindow: window.count, factor: factor)
    }

    /// Per currency: roundHalfUp(expected × Σamount / Σtickets) over shows with an amount and tickets > 0.
    static func perTicket(_ shows: [PredictionShow], expected: Int, amount: (PredictionShow) -> (Int64?, String?)) -> [CurrencyAmount] {
        var sums: [String: (amount: Int128, tickets: Int128)] = [:]
        for show in shows where show.ticketsSold > 0 {
            guard case let (value?, currency?) = amount(show), value >= 0 else { continue }
            let current = sums[currency] ?? (0, 0)
            sums[currency] = (current.amount + Int128(value), current.tickets + Int128(show.ticketsSold))
        }
        return sums.keys.sorted().compactMap { currency in
            guard let sum = sums[currency] else { return nil }
            let (product, overflow) = Int128(max(expected, 0)).multipliedReportingOverflow(by: sum.amount)
            // The kernel's bound on one amount is also the cap on an expected one.
            let value = overflow ? Int128(MinorUnits.max) : roundHalfUp(product, sum.tickets)
            return CurrencyAmount(currency: currency, amountMinor: Int64(clamping: min(value, Int128(MinorUnits.max))))
        }
    }

    static func confidence(_ shows: Int) -> String {
        shows >= 10 ? "high" : shows >= 3 ? "medium" : "low"
    }

    static func fillRate(_ expected: Int, capacity: Int?) -> Int? {
        guard let capacity, capacity > 0 else { return nil }
        return Int(clamping: roundHalfUp(Int128(expected) * 10_000, Int128(capacity)))
    }

    /// A non-negative Double rounded half up to a count; never traps (not finite or negative → 0, bounded above).
    static func roundedCount(_ value: Double) -> Int {
        guard value.isFinite, value > 0 else { return 0 }
        let bounded = min(value, Double(2 * ArtistShowRules.maxCount))
        return Int(exactly: bounded.rounded(.toNearestOrAwayFromZero)) ?? 0
    }

    /// n / d rounded half up (⌊n/d⌋, plus one when the remainder is at least half of d), for n ≥ 0, d > 0
    /// (0 otherwise). Written with the remainder so nothing is doubled and nothing can overflow.
    static func roundHalfUp(_ n: Int128, _ d: Int128) -> Int128 {
        guard d > 0, n >= 0 else { return 0 }
        let (quotient, remainder) = n.quotientAndRemainder(dividingBy: d)
        return remainder >= d - remainder ? quotient + 1 : quotient
    }
}

/// Calendar days as integers, for ages in days (proleptic Gregorian, H. Hinnant's `days_from_civil`).
enum Day {
    /// Days since 1970-01-01 of a `YYYY-MM-DD`; nil when the text is not one.
    static func number(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d), (1000...9999).contains(y) else { return nil }
        let year = m <= 2 ? y - 1 : y
        let era = year / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The month (1–12) of a `YYYY-MM-DD`; 0 when the text is not one.
    static func month(_ text: String) -> Int {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let m = Int(parts[1]), (1...12).contains(m) else { return 0 }
        return m
    }
}
