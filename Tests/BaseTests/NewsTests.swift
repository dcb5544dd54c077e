import Base
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import PostgresNIO
import Testing

/// Issue 14: "News: an industry news feed aggregated from configured RSS/Atom feed URLs by a background job over the
/// libcurl client (timeouts, size limits, private addresses refused), parsed with a kept XML library, de-duplicated,
/// stored; tested against a feed served by a local server in the test."
@Suite("Base news")
struct NewsTests {
    static let rss = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel><title>Live Music Wire</title><link>https://wire.example/</link>
        <item><title>Festival season opens</title><link>https://wire.example/a</link><guid>wire-1</guid>
          <description><![CDATA[<p>The <b>season</b> opens &amp; sells out.</p>]]></description>
          <pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate><dc:creator>Ann</dc:creator></item>
        <item><title>Venue reopens</title><link>https://wire.example/b</link><guid>wire-2</guid><pubDate>Tue, 03 Mar 2026 09:30:00 GMT</pubDate></item>
        <item><title>Bad link</title><link>javascript:alert(1)</link></item>
        </channel></rss>
        """

    static let atom = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Touring Times</title><id>urn:tt</id><updated>2026-03-04T00:00:00Z</updated>
        <entry><title>Tour announced</title><link rel="alternate" href="https://tt.example/tour"/><id>urn:tt:1</id>
          <updated>2026-03-04T12:00:00Z</updated><summary>Forty dates.</summary><author><name>Bo</name></author></entry>
        <entry><title type="html">Ticket &lt;b&gt;prices&lt;/b&gt; up</title><link href="https://tt.example/prices"/><id>urn:tt:2</id>
          <published>2026-03-01T08:00:00+01:00</published></entry>
        </feed>
        """

    static let big = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>"
        + String(repeating: "<item><title>Filler item</title><guid>x</guid></item>", count: 2000) + "</channel></rss>"

    /// The feeds, served on 127.0.0.1 by the test.
    static func feedServer(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        @Sendable func xml(_ text: String) -> Response {
            Response(status: .ok, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/rss.xml") { _, _ in xml(rss) }
        router.get("/atom.xml") { _, _ in xml(atom) }
        router.get("/big.xml") { _, _ in xml(big) }
        router.get("/slow.xml") { _, _ -> Response in
            try await Task.sleep(for: .seconds(4))
            return xml(rss)
        }
        router.get("/gone.xml") { _, _ in Response(status: .notFound) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                           onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
    }

    @Test func aRefreshStoresBothFeedsOnceAndSkipsWhatItMustNot() async throws {
        var settings = BaseSettings()
        settings.runsNewsRefresh = false
        let harness = try await ServiceTestHarness(BaseService.self, settings: settings)
        try await withRunningApplication({ Self.feedServer(onRunning: $0) }) { port async throws in
            let base = "http://127.0.0.1:\(port)"
            // A generous timeout: the whole suite shares the machine with this server.
            let news = NewsSettings(feedURLs: ["\(base)/rss.xml", "http://localhost:\(port)/atom.xml", "\(base)/big.xml",
                                               "\(base)/gone.xml", "http://10.1.2.3/feed.xml", "file:///etc/passwd"],
                                    timeout: .seconds(30), maxFeedBytes: 16_384, allowLoopback: true)
            let refresher = NewsRefresher(database: harness.database, settings: news)
            let first = await refresher.refreshOnce()
            let reasons = first.map { $0.skipped ?? "read" }
            #expect(first.map(\.added) == [3, 2, 0, 0, 0, 0], "\(reasons)")
            #expect(first[0].skipped == nil && first[1].skipped == nil, "\(reasons)")
            #expect(first[2].skipped?.contains("larger than 16384 bytes") == true, "\(reasons)")
            #expect(first[3].skipped?.contains("404") == true, "\(reasons)")
            #expect(first[4].skipped?.contains("10.1.2.3 is not a public address") == true, "loopback only, never other private ranges")
            #expect(first[5].skipped?.contains("scheme file") == true, "\(reasons)")
            let slow = NewsRefresher(database: harness.database, settings: NewsSettings(feedURLs: ["\(base)/slow.xml"], timeout: .seconds(1),
                                                                                        allowLoopback: true))
            #expect(await slow.refreshOnce().map(\.skipped) == ["timed out"])

            let second = await refresher.refreshOnce()
            #expect(second.prefix(2).map(\.items) == [3, 2])
            #expect(second.map(\.added) == [0, 0, 0, 0, 0, 0], "a second pass adds nothing")
            let stored = try await harness.database.query("SELECT count(*) FROM news_items").count()
            #expect(stored == 5)

            // Without the development switch the same local feed is refused by the outbound guard.
            let strict = NewsRefresher(database: harness.database, settings: NewsSettings(feedURLs: ["\(base)/rss.xml"], timeout: .seconds(1)))
            let refused = await strict.refreshOnce()
            #expect(refused.first?.skipped?.contains("127.0.0.1 is not a public address") == true)

            try await harness.withTwoCompanies(permissions: [], module: BasePermission.module) { t in
                let list = try await t.a.get("/api/news")
                #expect(list.status == .ok, "industry news needs no permission")
                #expect(list.json["total"] == 5)
                let titles = list.json["items"]?.arrayValue?.map { $0["title"]?.stringValue } ?? []
                #expect(titles == ["Bad link", "Tour announced", "Venue reopens", "Festival season opens", "Ticket prices up"])
                let opening = list.json["items"]?[3]
                #expect(opening?["summary"] == "The season opens & sells out.")
                #expect(opening?["author"] == "Ann")
                #expect(opening?["source"] == "Live Music Wire")
                #expect(opening?["link"] == "https://wire.example/a")
                #expect(opening?["publishedAt"] == "2026-03-02T10:00:00.000Z")
                #expect(list.json["items"]?[0]?["link"] == .null, "a javascript: link is never stored")
                #expect(list.json["items"]?[4]?["publishedAt"] == "2026-03-01T07:00:00.000Z")
                #expect(list.json["items"]?[1]?["author"] == "Bo")

                #expect(try await t.b.get("/api/news?q=TOUR").json["items"]?.arrayValue?.map { $0["title"]?.stringValue } == ["Tour announced"])
                #expect(try await t.a.get("/api/news?source=touring%20times").json["total"] == 2)
                #expect(try await t.a.get("/api/news?since=2026-03-03T00:00:00Z&limit=2").json["total"] == 3)
                #expect(try await t.a.get("/api/news?since=yesterday").status == .badRequest)
                #expect(try await t.a.get("/api/news?limit=101").status == .badRequest)
            }
        }
    }

    @Test func theParserReadsRSSAndAtomAndRefusesEntityDeclarations() throws {
        let rss = try NewsFeedParser.parse(Array(Self.rss.utf8))
        #expect(rss.title == "Live Music Wire")
        #expect(rss.items.map(\.key) == ["id:wire-1", "id:wire-2", "title:Bad link|"])
        let atom = try NewsFeedParser.parse(Array(Self.atom.utf8))
        #expect(atom.items.map(\.link) == ["https://tt.example/tour", "https://tt.example/prices"])
        #expect(atom.items.first?.summary == "Forty dates.")
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><rss><channel><title>&b;</title></channel></rss>"
        #expect(throws: NewsFeedParseError.self) { try NewsFeedParser.parse(Array(bomb.utf8)) }
        #expect(throws: NewsFeedParseError.self) { try NewsFeedParser.parse(Array("<html><body>no feed</body></html>".utf8)) }
        #expect(throws: NewsFeedParseError.self) { try NewsFeedParser.parse(Array("<rss><channel>".utf8)) }
    }
}
