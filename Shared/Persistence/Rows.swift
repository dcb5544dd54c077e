import Foundation
import KisumKernel
import PostgresNIO

/// Reads a row's columns by name, so wide selects stay readable and reorder-proof.
public struct Columns {
    public let row: PostgresRandomAccessRow

    public init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    public func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try row[name].decode(T.self, context: .default)
    }

    /// A jsonb column selected as `::text`, kept structurally (parsed in one pass: `JSONValueParser`).
    public func json(_ name: String) throws -> JSONValue {
        guard let text = try self(name, as: String?.self) else { return .null }
        return try JSONValueParser.parse(text)
    }
}

public enum SQLText {
    /// A JSON value as text for a `::jsonb` bind.
    public static func json(_ value: JSONValue?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }

    /// `LIMIT … OFFSET …` of a page; both are integers the query reader already bounded.
    public static func page(_ page: PageRequest) -> String {
        "LIMIT \(page.limit) OFFSET \(page.offset)"
    }
}

extension PostgresRowSequence {
    /// The single integer of a `SELECT count(*)`.
    public func count() async throws -> Int {
        try await first { try $0.decode(Int.self) } ?? 0
    }
}
