import Foundation
import KisumKernel
import Testing

/// The hand-written fast paths of the wire encoder answer exactly what the general paths did.
@Suite("Wire format fast paths")
struct WireFormatFastPathTests {
    /// Foundation's style, as RFC3339 used for every date before the hand-written formatter.
    static let style = Date.ISO8601FormatStyle.iso8601.year().month().day().time(includingFractionalSeconds: true)
        .timeZone(separator: .omitted).dateSeparator(.dash).timeSeparator(.colon).dateTimeSeparator(.standard)

    @Test func datesAreWrittenExactlyAsFoundationsStyleWritesThem() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Double] = [0, 0.0005, 0.9995, 951_782_400, 1_733_418_808.1239, 4_102_444_800, 253_402_300_799.999,
                                 -1.5, -62_135_596_800, 253_402_300_800]
        for _ in 0..<20_000 {
            // Microsecond timestamps, as PostgreSQL's timestamptz hands them over, across the whole range.
            samples.append(Double(Int64.random(in: 0..<253_402_300_800_000_000, using: &generator)) / 1_000_000)
            samples.append(Double(Int64.random(in: 1_600_000_000_000_000..<1_900_000_000_000_000, using: &generator)) / 1_000_000)
        }
        let mismatches = samples.filter {
            let date = Date(timeIntervalSince1970: $0)
            return RFC3339.string(from: date) != Self.style.format(date)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    struct TwiceEncoded: Encodable {
        enum Keys: String, CodingKey { case zebra, alpha, middle }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .middle)
            try container.encode(1, forKey: .zebra)
            try container.encode("a\"b\\c\n", forKey: .alpha)
            try container.encode("last", forKey: .middle)
        }
    }

    @Test func keysAreSortedAndTheLastOfARepeatedKeyWins() throws {
        let text = String(decoding: try JSONCoding.encoder.encode(TwiceEncoded()), as: UTF8.self)
        #expect(text == #"{"alpha":"a\"b\\c\n","middle":"last","zebra":1}"#)
    }
}
