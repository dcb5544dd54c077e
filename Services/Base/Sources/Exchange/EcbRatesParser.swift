import Foundation
import KisumKernel
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One EUR→`currency` reference rate of a day, with the line of the file it came from.
public struct EcbRate: Sendable, Equatable {
    public var line: Int
    /// `YYYY-MM-DD`.
    public var day: String
    public var currency: String
    /// A decimal string, checked by `DecimalRate`.
    public var rate: String
}

/// A part of the file that was not imported, and why.
public struct RateImportRejection: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// The file could not be read or parsed as a whole (nothing was imported).
public struct RateFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}

/// Reads the ECB's euro foreign exchange reference rates in either published form:
/// - CSV, daily (`eurofxref.csv`: `Date, USD, JPY, …` then `12 January 2024, 1.0942, …`) or historical
///   (`eurofxref-hist.csv`: `Date,USD,…,` then `2024-01-12,1.0942,…,N/A,…,`); `N/A` and empty cells are
///   currencies the ECB did not quote that day; lines starting with `#` are comments;
/// - XML (`eurofxref-daily.xml`, `-hist.xml`): `<Cube time="2024-01-12"><Cube currency="USD" rate="1.0942"/>…`.
/// Bad rows and cells are reported by line and skipped; the rest is kept. A currency quoted twice for one day
/// keeps its first line (a later one is reported), so the upsert never meets one key twice.
public enum EcbRatesParser {
    public static func parse(_ data: Data) throws -> (rates: [EcbRate], rejected: [RateImportRejection]) {
        let looksLikeXML = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) } == UInt8(ascii: "<")
        var collector = Collector()
        if looksLikeXML {
            try parseXML(data, into: &collector)
        } else {
            guard let text = String(data: data, encoding: .utf8) else { throw RateFileError(path: "", reason: "the file is not UTF-8 text") }
            parseCSV(text, into: &collector)
        }
        return (collector.rates, collector.rejected)
    }

    struct Collector {
        var rates: [EcbRate] = []
        var rejected: [RateImportRejection] = []
        private var seen: [String: Int] = [:]

        mutating func reject(_ line: Int, _ reason: String) {
            rejected.append(RateImportRejection(line: line, reason: reason))
        }

        mutating func add(line: Int, day: String, currency: String, rate rawRate: String) {
            let rate = rawRate.trimmingCharacters(in: .whitespaces)
            guard EcbRatesParser.isQuotedCurrency(currency) else {
                return reject(line, "\(currency.isEmpty ? "(empty)" : currency) is not a currency code the ECB quotes against EUR")
            }
            guard DecimalRate.isValid(rate), DecimalRate.isPositive(rate) else {
                return reject(line, "\(currency): \(rate.isEmpty ? "(empty)" : String(rate.prefix(40))) is not a rate above zero with up to 8 digits and 10 decimals")
            }
            let key = day + currency
            if let first = seen[key] { return reject(line, "\(currency) on \(day) was already given on line \(first)") }
            seen[key] = line
            rates.append(EcbRate(line: line, day: day, currency: currency, rate: rate))
        }
    }

    static func isQuotedCurrency(_ code: String) -> Bool {
        code.utf8.count == 3 && code.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) } && code != "EUR"
    }

    /// `2024-01-12` or the daily file's `12 January 2024`, within the days the table stores.
    static func day(_ text: String) -> String? {
        var candidate = text
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 3, let day = Int(words[0]), (1...31).contains(day), let year = Int(words[2]), (1000...9999).contains(year),
           let month = months.firstIndex(where: { $0.caseInsensitiveCompare(words[1]) == .orderedSame }) {
            candidate = String(format: "%04d-%02d-%02d", year, month + 1, day)
        }
        guard CalendarDate.isValid(candidate), ("1900-01-01"..."2199-12-31").contains(candidate) else { return nil }
        return candidate
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                         "November", "December"]

    // MARK: CSV

    static func parseCSV(_ text: String, into collector: inout Collector) {
        var header: [String]?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            // Blank lines, and `#` comments (not the ECB's, but how a shipped sample says it is one).
            if content.trimmingCharacters(in: .whitespaces).isEmpty || content.hasPrefix("#") { continue }
            var cells = content.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if line == 1, let first = cells.first { cells[0] = String(first.drop { $0 == "\u{FEFF}" }) }
            while cells.count > 1, cells.last?.isEmpty == true { cells.removeLast() }
            guard let columns = header else {
                guard cells.first?.caseInsensitiveCompare("Date") == .orderedSame, cells.count > 1 else {
                    collector.reject(line, "the header must be Date followed by currency codes (Date,USD,JPY,…)")
                    return
                }
                for code in cells.dropFirst() where !isQuotedCurrency(code) {
                    collector.reject(line, "column \(code.isEmpty ? "(empty)" : String(code.prefix(20))) is not a currency code; its rates are skipped")
                }
                header = cells
                continue
            }
            guard cells.count <= columns.count else {
                collector.reject(line, "\(cells.count) cells but the header has \(columns.count)")
                continue
            }
            guard let day = day(cells[0]) else {
                collector.reject(line, "\(String(cells[0].prefix(40))) is not a day from 1900-01-01 to 2199-12-31 (YYYY-MM-DD or 12 January 2024)")
                continue
            }
            for (code, value) in zip(columns.dropFirst(), cells.dropFirst()) where isQuotedCurrency(code) {
                if value.isEmpty || value.caseInsensitiveCompare("N/A") == .orderedSame { continue }
                collector.add(line: line, day: day, currency: code, rate: value)
            }
        }
        if header == nil, collector.rejected.isEmpty { collector.reject(1, "the file is empty") }
    }

    // MARK: XML

    static func parseXML(_ data: Data, into collector: inout Collector) throws {
        let parser = XMLParser(data: data)
        let reader = CubeReader()
        parser.delegate = reader
        // An ECB file has no external entities; resolving them would let a file read other files.
        parser.shouldResolveExternalEntities = false
        // An element left open counts too: Linux's XMLParser reports a document cut short as parsed.
        if !parser.parse() || reader.openElements != 0 {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed (an element is not closed)"
            throw RateFileError(path: "", reason: "XML not well-formed near line \(parser.lineNumber): \(reason)")
        }
        for row in reader.rows {
            collector.add(line: row.line, day: row.day, currency: row.currency, rate: row.rate)
        }
        for rejection in reader.rejected { collector.reject(rejection.line, rejection.reason) }
        collector.rejected.sort { $0.line < $1.line }
        if reader.rows.isEmpty, reader.rejected.isEmpty { collector.reject(1, "no <Cube time=…> with rates in the file") }
    }

    /// Collects `<Cube time>` days and their `<Cube currency rate>` children. Used on one thread, by one parse.
    final class CubeReader: NSObject, XMLParserDelegate {
        var rows: [EcbRate] = []
        var rejected: [RateImportRejection] = []
        /// The open `<Cube time>` (nil inside a day that was refused, so its rates are skipped quietly).
        private var day: String?
        private var dayRefused = false
        private var depth = 0
        var openElements: Int { depth }
        private var dayDepth: Int?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            guard elementName == "Cube" || elementName.hasSuffix(":Cube") else { return }
            let line = parser.lineNumber
            if let time = attributes["time"] {
                dayDepth = depth
                day = EcbRatesParser.day(time.trimmingCharacters(in: .whitespaces))
                dayRefused = day == nil
                if day == nil { rejected.append(RateImportRejection(line: line, reason: "time=\(String(time.prefix(40))) is not a day from 1900-01-01 to 2199-12-31")) }
            } else if let currency = attributes["currency"] {
                if let day {
                    rows.append(EcbRate(line: line, day: day, currency: currency.trimmingCharacters(in: .whitespaces), rate: attributes["rate"] ?? ""))
                } else if !dayRefused {
                    rejected.append(RateImportRejection(line: line, reason: "a rate outside a <Cube time=…> day"))
                }
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if depth == dayDepth {
                day = nil
                dayRefused = false
                dayDepth = nil
            }
            depth -= 1
        }
    }
}
