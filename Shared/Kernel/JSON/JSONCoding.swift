import Foundation

/// The shared JSON coders. Creating coders per request costs allocations on the hot path, so every
/// service uses these instances (JSONEncoder/JSONDecoder are thread-safe once configured).
public enum JSONCoding {
    /// Venue, Base, Finance and Promoter wire style: camelCase keys, RFC 3339 dates, lower-case UUIDs,
    /// sorted keys. Also what services write into jsonb columns and outbox payloads.
    public static let encoder = WireJSONEncoder()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 date-time, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }()
}

extension JSONCoding {
    /// Platform Core's wire style: snake_case keys (its spec), RFC 3339 dates. Property names stay
    /// camelCase in Swift; the coder converts. Free-form `JSONValue` objects (dictionaries) keep their keys.
    public static let snakeCaseEncoder = WireJSONEncoder(keys: .snakeCase)

    public static let snakeCaseDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = JSONCoding.decoder.dateDecodingStrategy
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}

/// RFC 3339 timestamps with or without fractional seconds.
public enum RFC3339 {
    /// Built once: every date of every response and log line goes through it (a style is a value, safe to share).
    static let style = Date.ISO8601FormatStyle.iso8601.year().month().day().time(includingFractionalSeconds: true)
        .timeZone(separator: .omitted).dateSeparator(.dash).timeSeparator(.colon).dateTimeSeparator(.standard)

    /// `2026-12-05T17:13:28.123Z`. Dates from 1970 to 9999 are written by hand (a tenth of the format
    /// style's cost; every date of every response and log line comes here) with exactly the style's output,
    /// milliseconds truncated; the rest go through the style.
    public static func string(from date: Date) -> String {
        let t = date.timeIntervalSince1970
        guard t >= 0, t < 253_402_300_800 else { return style.format(date) }
        let whole = t.rounded(.down)
        let seconds = Int64(whole), millis = min(999, Int(((t - whole) * 1000).rounded(.down)))
        let (year, month, day) = civil(days: seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = 0x2D; put(month, 2, at: 5); buffer[7] = 0x2D; put(day, 2, at: 8)
            buffer[10] = 0x54; put(secondOfDay / 3600, 2, at: 11); buffer[13] = 0x3A; put(secondOfDay / 60 % 60, 2, at: 14)
            buffer[16] = 0x3A; put(secondOfDay % 60, 2, at: 17); buffer[19] = 0x2E; put(millis, 3, at: 20); buffer[23] = 0x5A
            return 24
        }
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (≥ 0), H. Hinnant's `civil_from_days`.
    static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0), month, day)
    }

    /// Years 0000 to 9999 as RFC 3339 writes them, with a day of slack on each side for UTC offsets
    /// (`9999-12-31T23:59:59-23:59` is valid RFC 3339 and lands in year 10000 UTC). The fallback
    /// `ISO8601DateFormatter` also reads longer years ("2000000-01-01T00:00:00Z"), and a date that far out
    /// traps PostgresNIO's timestamptz encoding (`Int64` of the microseconds since 2000), so such text is
    /// not a date here (400 at the request boundary instead of a crashed process).
    public static let validRange: Range<TimeInterval> = (-62_167_219_200 - 86_400) ..< (253_402_300_800 + 86_400)

    public static func date(from text: String) -> Date? {
        guard let date = parse(text), validRange.contains(date.timeIntervalSince1970) else { return nil }
        return date
    }

    private static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)
            .timeZone(separator: .omitted).dateSeparator(.dash).timeSeparator(.colon).dateTimeSeparator(.standard)) {
            return date
        }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        // Offsets other than Z ("+02:00") are valid RFC 3339.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
