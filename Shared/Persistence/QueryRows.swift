import PostgresNIO

/// The rows of a statement `Database.query` ran, read to the end while its connection was leased, so the lease goes
/// back to the pool whatever the statement does.
///
/// `PostgresClient.query` hands back a lazy row sequence that returns its lease when the rows are consumed, but a
/// statement that fails before that sequence is set up never returns it: PostgresNIO's
/// `PSQLRowStream.asyncSequence(onFinish:)` does not call `onFinish` for a stream that has already failed. An
/// `INSERT … RETURNING` refused by a foreign key sends its row description and then the error, so the race was
/// common under the fuzz gate: Base lost its four pooled connections one by one and every request needing the
/// database then waited forever (a CI rehearsal, the fuzz step).
public struct QueryRows: AsyncSequence, Sendable {
    public typealias Element = PostgresRow

    public let rows: [PostgresRow]

    public init(rows: [PostgresRow]) { self.rows = rows }

    /// Reads `sequence` to its end.
    public init(reading sequence: PostgresRowSequence) async throws {
        var rows: [PostgresRow] = []
        for try await row in sequence { rows.append(row) }
        self.rows = rows
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[PostgresRow]>
        public mutating func next() async throws -> PostgresRow? { base.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: rows.makeIterator()) }

    /// Decodes every row with `transform`.
    public func collect<T>(_ transform: (PostgresRow) throws -> T) async throws -> [T] {
        try rows.map(transform)
    }

    /// The first row, or nil.
    public func first<T>(_ transform: (PostgresRow) throws -> T) async throws -> T? {
        try rows.first.map(transform)
    }

    /// The single integer of a `SELECT count(*)`.
    public func count() async throws -> Int {
        try await first { try $0.decode(Int.self) } ?? 0
    }
}
