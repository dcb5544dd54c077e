import Foundation
import Testing
@testable import Base

/// Issue 8: "`prediction-v2` / `prediction-v3`: a documented, deterministic model over the artist's stored
/// history (e.g. expected ticket sales or fee for a market and date from past events), with its formula in the
/// contract and fixed-answer tests". Every expected number below is worked out by hand in the comments; the
/// model is `ArtistPredictor` (pure), the formulas are those of `contracts/base.yaml`.
@Suite("Artist insights: prediction model and shares (fixed answers)")
struct ArtistInsightsPredictionTests {
    let de = UUID()
    let fr = UUID()

    func show(_ day: String, _ tickets: Int, city: String? = nil, country: UUID? = nil) -> PredictionShow {
        PredictionShow(performedOn: day, city: city, countryId: country, ticketsSold: tickets)
    }

    func query(_ date: String, city: String? = nil, country: UUID? = nil, capacity: Int? = nil) -> PredictionQuery {
        PredictionQuery(date: date, countryId: country, city: city, capacity: capacity)
    }

    /// Target 2025-06-01. Ages: 2025-06-01 → 0 days (w = 1), 2024-06-01 → 365 (w = 0.5), 2023-06-02 → 730 (w = 0.25;
    /// 2024 is a leap year, so 730 days back is June 2nd). Mean = (900·1 + 1000·0.5 + 600·0.25) / (1 + 0.5 + 0.25)
    /// = (900 + 500 + 150) / 1.75 = 1550 / 1.75 = 885.71… → 886.
    var history: [PredictionShow] {
        [show("2025-06-01", 900, city: "Munich", country: de), show("2024-06-01", 1000, city: "Berlin", country: de),
         show("2023-06-02", 600, city: "Paris", country: fr)]
    }

    @Test func v1IsTheRecencyWeightedMeanRoundedHalfUp() throws {
        let result = try #require(ArtistPredictor.predict(.v1, query: query("2025-06-01"), history: history))
        #expect(result.expectedTickets == 886)
        #expect(result.basedOnShows == 3)
        #expect(result.confidence == "medium")
        #expect(result.marketLevel == nil && result.seasonality == nil && result.expectedGross == nil)
        #expect(result.clampedToCapacity == false && result.expectedFillRate == nil)
        #expect(result.formula.contains("0.5^(ageDaysᵢ/365)"))
        // v1 ignores the market: city and country are only echoed.
        #expect(ArtistPredictor.predict(.v1, query: query("2025-06-01", city: "Berlin", country: de), history: history)?.expectedTickets == 886)
    }

    @Test func halvesRoundUpAndCapacityCaps() throws {
        // Two shows on the target day (w = 1 each): (1 + 2) / 2 = 1.5 → 2 (half up, not to even).
        let half = [show("2025-01-01", 1), show("2025-01-01", 2)]
        #expect(ArtistPredictor.predict(.v1, query: query("2025-01-01"), history: half)?.expectedTickets == 2)
        // 886 above a capacity of 800 → 800, flagged; fill rate 800 × 10000 / 800 = 10000 basis points.
        let capped = try #require(ArtistPredictor.predict(.v1, query: query("2025-06-01", capacity: 800), history: history))
        #expect(capped.expectedTickets == 800 && capped.clampedToCapacity && capped.expectedFillRate == 10_000)
        // Capacity 2000: 886 × 10000 / 2000 = 4430 basis points.
        #expect(ArtistPredictor.predict(.v1, query: query("2025-06-01", capacity: 2000), history: history)?.expectedFillRate == 4430)
        // Capacity 0: nothing can be sold, and no fill rate (no division by zero).
        let none = try #require(ArtistPredictor.predict(.v1, query: query("2025-06-01", capacity: 0), history: history))
        #expect(none.expectedTickets == 0 && none.expectedFillRate == nil)
    }

    @Test func onlyShowsOnOrBeforeTheDateCount() {
        // On 2024-06-01 only the 2024-06-01 (w = 1) and 2023-06-02 (age 365, w = 0.5) shows count:
        // (1000 + 300) / 1.5 = 866.67 → 867.
        #expect(ArtistPredictor.predict(.v1, query: query("2024-06-01"), history: history)?.expectedTickets == 867)
        #expect(ArtistPredictor.predict(.v1, query: query("2023-06-01"), history: history) == nil)
        #expect(ArtistPredictor.predict(.v3, query: query("2025-06-01"), history: []) == nil)
    }

    @Test func v2NarrowsToTheCityThenTheCountryThenEverything() throws {
        // Berlin (in DE): only the 2024-06-01 show → 1000.
        let city = try #require(ArtistPredictor.predict(.v2, query: query("2025-06-01", city: " berlin ", country: de), history: history))
        #expect(city.marketLevel == "city" && city.expectedTickets == 1000 && city.basedOnShows == 1 && city.confidence == "low")
        // Berlin asked in France: no such show, so France: only Paris → 600.
        let country = try #require(ArtistPredictor.predict(.v2, query: query("2025-06-01", city: "Berlin", country: fr), history: history))
        #expect(country.marketLevel == "country" && country.expectedTickets == 600)
        // Hamburg, DE: no Hamburg show, so DE: (900·1 + 1000·0.5) / 1.5 = 933.33 → 933.
        #expect(ArtistPredictor.predict(.v2, query: query("2025-06-01", city: "Hamburg", country: de), history: history)?.expectedTickets == 933)
        // Nothing in Italy: every show, as v1 → 886.
        let all = try #require(ArtistPredictor.predict(.v2, query: query("2025-06-01", city: "Rome", country: UUID()), history: history))
        #expect(all.marketLevel == "all" && all.expectedTickets == 886)
    }

    /// Target 2025-07-15 (window June–August). Shows: 2025-07-15 1200 (w = 1), 2024-07-15 800 (age 365, w = 0.5),
    /// 2025-01-15 400 (age 181, w = 2^(−181/365) ≈ 0.70912).
    /// Mean = (1200 + 400 + 400·0.70912) / (1.5 + 0.70912) = 1883.65 / 2.20912 ≈ 852.67 (v1 → 853).
    /// Seasonality = 10000 × (2000/2) / (2400/3) = 10000 × 1000 / 800 = 12500 (exactly: 10000·2000·3 / (2400·2)).
    /// v3 = roundHalfUp(852.67 × 12500 / 10000) = roundHalfUp(1065.84) = 1066.
    @Test func v3ScalesBySeasonality() throws {
        let shows = [show("2025-07-15", 1200), show("2024-07-15", 800), show("2025-01-15", 400)]
        #expect(ArtistPredictor.predict(.v1, query: query("2025-07-15"), history: shows)?.expectedTickets == 853)
        let result = try #require(ArtistPredictor.predict(.v3, query: query("2025-07-15"), history: shows))
        #expect(result.seasonality == Seasonality(months: [6, 7, 8], showsInWindow: 2, factor: 12_500))
        #expect(result.expectedTickets == 1066)
        #expect(result.marketLevel == "all")
        // No amounts on these shows: empty lists, not null (v3 always answers them).
        #expect(result.expectedGross == [] && result.expectedFee == [] && result.meanTicketPrice == [])
    }

    @Test func seasonalityIsBoundedAndWrapsTheYear() {
        // Window mean 3000 against (3000 + 100 + 100) / 3 = 1066.67: ratio 2.81 → bounded to 20000.
        let high = ArtistPredictor.seasonalityFactor([show("2024-07-01", 3000), show("2024-01-01", 100), show("2024-02-01", 100)], month: 7)
        #expect(high == Seasonality(months: [6, 7, 8], showsInWindow: 1, factor: 20_000))
        // Window mean 100 against 6100 / 3 = 2033.33: ratio 0.049 → bounded to 5000.
        let low = ArtistPredictor.seasonalityFactor([show("2024-07-01", 100), show("2024-01-01", 3000), show("2024-02-01", 3000)], month: 7)
        #expect(low.factor == 5_000)
        // December's window is November–January; January's is December–February.
        #expect(ArtistPredictor.seasonalityFactor([], month: 12).months == [11, 12, 1])
        #expect(ArtistPredictor.seasonalityFactor([], month: 1).months == [12, 1, 2])
        // No show in the window (or no ticket at all): no effect.
        #expect(ArtistPredictor.seasonalityFactor([show("2024-03-01", 500)], month: 9).factor == 10_000)
        #expect(ArtistPredictor.seasonalityFactor([show("2024-09-01", 0)], month: 9).factor == 10_000)
    }

    /// Three shows on the target day (w = 1): tickets 1000, 500 and 0 → mean 500, seasonality 10000 (all in the
    /// window) → 500 tickets. EUR gross over shows with tickets: (2,500,000 + 1,000,000) / (1000 + 500) per ticket:
    /// 500 × 3,500,000 / 1500 = 1,166,666.67 → 1,166,667; mean price 3,500,000 / 1500 = 2333.33 → 2333.
    /// Fees: EUR 500 × 500,000 / 1000 = 250,000; USD 500 × 300,000 / 500 = 300,000. The 0-ticket show's gross is
    /// left out (no price per ticket), though its tickets count in the mean.
    @Test func v3ExpectsMoneyPerCurrencyInIntegers() throws {
        let shows = [
            PredictionShow(performedOn: "2025-03-01", city: nil, countryId: nil, ticketsSold: 1000, grossMinor: 2_500_000, grossCurrency: "EUR",
                           feeMinor: 500_000, feeCurrency: "EUR"),
            PredictionShow(performedOn: "2025-03-01", city: nil, countryId: nil, ticketsSold: 500, grossMinor: 1_000_000, grossCurrency: "EUR",
                           feeMinor: 300_000, feeCurrency: "USD"),
            PredictionShow(performedOn: "2025-03-01", city: nil, countryId: nil, ticketsSold: 0, grossMinor: 0, grossCurrency: "GBP"),
        ]
        let result = try #require(ArtistPredictor.predict(.v3, query: query("2025-03-01"), history: shows))
        #expect(result.expectedTickets == 500)
        #expect(result.expectedGross == [CurrencyAmount(currency: "EUR", amountMinor: 1_166_667)])
        #expect(result.meanTicketPrice == [CurrencyAmount(currency: "EUR", amountMinor: 2333)])
        #expect(result.expectedFee == [CurrencyAmount(currency: "EUR", amountMinor: 250_000), CurrencyAmount(currency: "USD", amountMinor: 300_000)])
    }

    /// The largest inputs the bounds allow: one ticket grossing 10^15 and a show of 10,000,000 tickets on the same
    /// day: mean (1 + 10,000,000) / 2 = 5,000,000.5 → 5,000,001 (half up); gross 5,000,001 × 10^15 / 1 is past the
    /// cap → 10^15. Nothing traps.
    @Test func extremesSaturateInsteadOfTrapping() throws {
        let shows = [
            PredictionShow(performedOn: "2199-12-31", city: nil, countryId: nil, ticketsSold: 1, grossMinor: 1_000_000_000_000_000, grossCurrency: "EUR"),
            show("2199-12-31", 10_000_000), show("1900-01-01", 10_000_000),
        ]
        let result = try #require(ArtistPredictor.predict(.v3, query: query("2199-12-31", capacity: 10_000_000), history: shows))
        // The 1900 show is 109,572 days old: w = 2^(−300.2) ≈ 5·10^−91, so it moves nothing visible.
        #expect(result.expectedTickets == 5_000_001)
        #expect(result.expectedGross == [CurrencyAmount(currency: "EUR", amountMinor: 1_000_000_000_000_000)])
        #expect(result.confidence == "medium")
    }

    @Test func confidenceFollowsTheNumberOfShows() {
        #expect(ArtistPredictor.confidence(1) == "low" && ArtistPredictor.confidence(2) == "low")
        #expect(ArtistPredictor.confidence(3) == "medium" && ArtistPredictor.confidence(9) == "medium")
        #expect(ArtistPredictor.confidence(10) == "high")
    }

    @Test func daysCountFromTheEpoch() {
        #expect(Day.number("1970-01-01") == 0)
        #expect(Day.number("2000-03-01") == 11_017)
        #expect(Day.number("2024-02-29") == 19_782)
        #expect(Day.number("1900-01-01") == -25_567)
        #expect(Day.number("2025-06-01").map { $0 - (Day.number("2023-06-02") ?? 0) } == 730)
        #expect(Day.number("2025-13-01") == nil && Day.number("junk") == nil)
    }

    /// Largest remainder: 2300 and 300 of 2600 → 8846 r 400 and 1153 r 2200; one point is missing and goes to the
    /// larger remainder → 8846 + 1154. 1300/1000/300 → 5000, 3846 r 400, 1153 r 2200 → 5000 + 3846 + 1154.
    /// Three equal buckets → 3333 each, remainders equal, so the first listed gets the missing point.
    @Test func sharesSumToTenThousandByLargestRemainder() {
        #expect(Shares.basisPoints([2300, 300]) == [8846, 1154])
        #expect(Shares.basisPoints([1300, 1000, 300]) == [5000, 3846, 1154])
        #expect(Shares.basisPoints([1, 1, 1]) == [3334, 3333, 3333])
        #expect(Shares.basisPoints([0, 0]) == [0, 0])
        #expect(Shares.basisPoints([]) == [])
        #expect(Shares.basisPoints([Int64.max, Int64.max, 1]).reduce(0, +) == 10_000)
    }
}
