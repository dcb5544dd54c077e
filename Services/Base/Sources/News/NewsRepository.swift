import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The stored news items (migration 0025): global rows, written by the refresh job, read by every member.
struct NewsRepository: Sendable {
    let database: Database

    static let columns = "n.id, n.source, n.title, n.link, n.summary, n.author, n.published_at, n.fetched_at"

    static func decode(_ row: PostgresRow) throws -> NewsItem {
        let c = Columns(row)
        return NewsItem(id: try c("id"), source: try c("source"), title: try c("title"), link: try c("link"), summary: try c("summary"),
                        author: try c("author"), publishedAt: try c("published_at"), fetchedAt: try c("fetched_at"))
    }

    /// Newest first (an undated item by when it was fetched).
    func list(_ f: NewsFilter, page: PageRequest) async throws -> (items: [NewsItem], total: Int) {
        let pattern = SQLPattern.contains(f.q)
        func query(_ select: String, _ suffix: String) -> PostgresQuery {
            """
            SELECT \(unescaped: select) FROM news_items n
            WHERE (\(f.source)::text IS NULL OR lower(n.source) = lower(\(f.source)))
              AND (\(pattern)::text IS NULL OR n.title ILIKE \(pattern) OR n.summary ILIKE \(pattern))
              AND (\(f.since)::timestamptz IS NULL OR coalesce(n.published_at, n.fetched_at) >= \(f.since))
            \(unescaped: suffix)
            """
        }
        return try await database.page(query, columns: Self.columns, orderBy: "ORDER BY coalesce(n.published_at, n.fetched_at) DESC, n.id",
                                       page: page, decode: Self.decode)
    }

    /// Stores the items a feed has not given before (per feed, on the hash of each item's key); returns how many were new.
    func store(feedURL: String, source: String, items: [ParsedNewsItem]) async throws -> Int {
        guard !items.isEmpty else { return 0 }
        let published = items.map { $0.publishedAt.map(RFC3339.string(from:)) ?? "" }
        return try await database.query("""
            INSERT INTO news_items (feed_url, item_key, source, title, link, summary, author, published_at)
            SELECT \(feedURL), sha256(convert_to(x.key, 'UTF8')), \(source), x.title, NULLIF(x.link, ''), NULLIF(x.summary, ''),
                   NULLIF(x.author, ''), NULLIF(x.published, '')::timestamptz
            FROM unnest(\(items.map(\.key))::text[], \(items.map(\.title))::text[], \(items.map { $0.link ?? "" })::text[],
                        \(items.map { $0.summary ?? "" })::text[], \(items.map { $0.author ?? "" })::text[], \(published)::text[])
                 AS x(key, title, link, summary, author, published)
            ON CONFLICT (feed_url, item_key) DO NOTHING
            RETURNING id
            """).collect { _ in true }.count
    }
}
