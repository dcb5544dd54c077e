import Foundation
import KisumKernel

/// The industry news feed's sources and limits. No `NEWS_FEED_URLS`: no refresh job runs and `GET /api/news` answers
/// what is stored (nothing, on a fresh database).
public struct NewsSettings: Sendable {
    /// RSS 2.0 or Atom feed URLs (http or https), fetched in this order.
    public var feedURLs: [String]
    /// Pause between two refresh passes.
    public var refreshInterval: Duration
    /// The whole wait for one feed.
    public var timeout: Duration
    /// The most bytes read of one feed; a larger one is skipped (and logged).
    public var maxFeedBytes: Int
    /// Development and tests only: feeds on 127.0.0.0/8 or ::1 pass the outbound guard (other private ranges never do).
    public var allowLoopback: Bool

    public init(feedURLs: [String] = [], refreshInterval: Duration = .seconds(1800), timeout: Duration = .seconds(10),
                maxFeedBytes: Int = 2 << 20, allowLoopback: Bool = false) {
        self.feedURLs = feedURLs
        self.refreshInterval = refreshInterval
        self.timeout = timeout
        self.maxFeedBytes = maxFeedBytes
        self.allowLoopback = allowLoopback
    }

    /// `NEWS_FEED_URLS` (comma-separated), `NEWS_REFRESH_SECONDS` (default 1800, 60–86400), `NEWS_TIMEOUT_SECONDS`
    /// (default 10, 1–60), `NEWS_MAX_FEED_BYTES` (default 2 MiB, 1 KiB–20 MiB), `NEWS_ALLOW_LOOPBACK` (default false).
    static func load(from env: inout EnvironmentReader) -> NewsSettings {
        let urls = env.list("NEWS_FEED_URLS")
        for url in urls {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
                env.report("NEWS_FEED_URLS must list http(s) URLs, got \"\(url)\"")
                continue
            }
        }
        if urls.count > 100 { env.report("NEWS_FEED_URLS lists at most 100 feeds") }
        let refresh = env.int("NEWS_REFRESH_SECONDS", default: 1800, range: 60...86_400)
        let timeout = env.int("NEWS_TIMEOUT_SECONDS", default: 10, range: 1...60)
        let maxBytes = env.int("NEWS_MAX_FEED_BYTES", default: 2 << 20, range: 1024...(20 << 20))
        let allowLoopback = env.bool("NEWS_ALLOW_LOOPBACK", default: false)
        return NewsSettings(feedURLs: urls, refreshInterval: .seconds(refresh), timeout: .seconds(timeout), maxFeedBytes: maxBytes,
                            allowLoopback: allowLoopback)
    }
}
