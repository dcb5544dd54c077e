import Base
import Foundation
import KisumKernel
import KisumPersistence
import KisumTesting
import Testing

/// Issue 10: "a rates table loaded by an importer from a file such as the ECB daily reference CSV/XML". The
/// importer upserts in one transaction (a second run changes nothing), reports bad rows by line and skips them.
@Suite("Base ECB rates importer")
struct ExchangeImporterTests {
    static let historicalCSV = """
        Date,USD,JPY,GBP,
        2025-01-10,1.0300,160.00,0.85000,
        2025-01-09,1.0310,N/A,0.85100,
        2025-01-08,1.03x,159.50,0.8520,
        bad-date,1,1,1,
        2025-01-07,1.0290,159.00,0.8490,1.0,

        """

    @Test func theHistoricalCsvImportsOnceAndReportsBadRowsByLine() async throws {
        try await withMoneyViews { t in
            let importer = EcbRatesImporter(database: t.moneyDB)
            let first = try await importer.run(data: Data(Self.historicalCSV.utf8))
            // 3 on the 10th, 2 on the 9th (JPY N/A), 2 on the 8th (USD refused); lines 5 and 6 refused whole.
            #expect(first.inserted == 7)
            #expect(first.days == 3)
            #expect(first.rejected.map(\.line) == [4, 5, 6], "\(first.rejected)")
            #expect(first.rejected[0].reason.contains("USD"))

            let second = try await importer.run(data: Data(Self.historicalCSV.utf8))
            #expect(second.inserted == 0)
            #expect(second.updated == 0)
            #expect(second.unchanged == 7)

            // A corrected rate updates that row only.
            let corrected = Self.historicalCSV.replacingOccurrences(of: "0.85000", with: "0.85050")
            let third = try await importer.run(data: Data(corrected.utf8))
            #expect(third.updated == 1)
            #expect(third.unchanged == 6)

            // The imported rates convert: 100.00 EUR on the 10th at 0.8505.
            let converted = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=EUR&to=GBP&date=2025-01-10")
            #expect(converted.json["convertedMinor"] == 8505, "\(converted.text)")
            #expect(converted.json["rate"] == "0.8505")
        }
    }

    /// The daily file says `12 January 2024` and pads with spaces.
    @Test func theDailyCsvWithWrittenDates() async throws {
        try await withMoneyViews { t in
            let daily = "Date, USD, JPY, BGN, \n13 January 2025, 1.0244, 161.17, 1.9558, \n"
            let report = try await EcbRatesImporter(database: t.moneyDB).run(data: Data(daily.utf8))
            #expect(report.inserted == 3)
            #expect(report.rejected.isEmpty)
            let rates = try await t.a.get("/api/exchange/rates?date=2025-01-13&quote=BGN")
            #expect(rates.json["items"]?[0]?["rate"] == "1.9558")
        }
    }

    static let dailyXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
        \t<gesmes:subject>Reference rates</gesmes:subject>
        \t<gesmes:Sender>
        \t\t<gesmes:name>European Central Bank</gesmes:name>
        \t</gesmes:Sender>
        \t<Cube>
        \t\t<Cube time='2025-01-14'>
        \t\t\t<Cube currency='USD' rate='1.0300'/>
        \t\t\t<Cube currency='JPY' rate='161.50'/>
        \t\t\t<Cube currency='GBP' rate='oops'/>
        \t\t\t<Cube currency='EURO' rate='1.0'/>
        \t\t</Cube>
        \t</Cube>
        </gesmes:Envelope>
        """

    @Test func theDailyXmlImportsOnceAndReportsBadRatesByLine() async throws {
        try await withMoneyViews { t in
            let importer = EcbRatesImporter(database: t.moneyDB)
            let first = try await importer.run(data: Data(Self.dailyXML.utf8))
            #expect(first.inserted == 2)
            #expect(first.rejected.map(\.line) == [11, 12], "\(first.rejected)")
            let again = try await importer.run(data: Data(Self.dailyXML.utf8))
            #expect(again.inserted == 0)
            #expect(again.unchanged == 2)
            // USD → JPY crosses through EUR: 100.00 USD × 161.50 / 1.03 = 15,679.6… → 15,680 JPY.
            let cross = try await t.a.get("/api/exchange/convert?amountMinor=10000&from=USD&to=JPY&date=2025-01-14")
            #expect(cross.json["convertedMinor"] == 15680, "\(cross.text)")
        }
    }

    @Test func aBrokenFileImportsNothing() async throws {
        try await withMoneyViews { t in
            let importer = EcbRatesImporter(database: t.moneyDB)
            await #expect(throws: RateFileError.self) {
                try await importer.run(data: Data("<Cube><Cube time='2025-01-14'><Cube currency='USD' rate='1.03'/>".utf8))
            }
            let headerless = try await importer.run(data: Data("2025-01-10,1.03\n".utf8))
            #expect(headerless.inserted == 0)
            #expect(headerless.rejected.map(\.line) == [1])
            #expect(try await t.a.get("/api/exchange/rates").json["total"] == 0)
        }
    }

    /// The sample `make up` loads parses cleanly (the file says it is a sample in its comment lines).
    @Test func theShippedSampleLoads() async throws {
        try await withMoneyViews { t in
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Migrations/base/rates/sample-eurofxref-hist.csv").path
            let report = try await EcbRatesImporter(database: t.moneyDB).run(file: path)
            #expect(report.rejected.isEmpty, "\(report.rejected)")
            #expect(report.days == 10)
            #expect(report.inserted == 109)
        }
    }
}
