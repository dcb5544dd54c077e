import Foundation

/// The shared JSON coders. Creating coders per request costs allocations on the hot path, so every
/// service uses these instances (JSONEncoder/JSONDecoder are thread-safe once configured).
public enum JSONCoding {
    /// Venue, Base, Finance and Promoter wire style: camelCase keys, RFC 3339 dates.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

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
    /// camelCase in Swift; the coder converts. Free-form `JSONValue` objects are encoded as they are.
    public static let snakeCaseEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = JSONCoding.encoder.dateEncodingStrategy
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public static let snakeCaseDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = JSONCoding.decoder.dateDecodingStrategy
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}

/// RFC 3339 timestamps with or without fractional seconds.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)
            .dateSeparator(.dash).timeSeparator(.colon).dateTimeSeparator(.standard))
    }

    public static func date(from text: String) -> Date? {
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
