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

    public static func string(from date: Date) -> String {
        style.format(date)
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
