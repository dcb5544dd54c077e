import Testing
@testable import KisumDeals

/// Amounts people read: minor units per ISO 4217, grouping, signs, and the one Int64 whose negation traps.
struct CurrencyUnitsTests {
    @Test func formatsByTheCurrencysMinorUnits() {
        #expect(CurrencyUnits.format(1_234_567, "EUR") == "EUR 12,345.67")
        #expect(CurrencyUnits.format(5, "USD") == "USD 0.05")
        #expect(CurrencyUnits.format(-500, "JPY") == "JPY -500")
        #expect(CurrencyUnits.format(1_234_567, "KWD") == "KWD 1,234.567")
        #expect(CurrencyUnits.format(0, "GBP") == "GBP 0.00")
        #expect(CurrencyUnits.format(Int64.min, "JPY") == "JPY -9,223,372,036,854,775,808")
    }

    @Test func formatsBasisPoints() {
        #expect(CurrencyUnits.percent(basisPoints: 8000) == "80%")
        #expect(CurrencyUnits.percent(basisPoints: 1250) == "12.5%")
        #expect(CurrencyUnits.percent(basisPoints: 1205) == "12.05%")
        #expect(CurrencyUnits.percent(basisPoints: 5) == "0.05%")
    }
}
