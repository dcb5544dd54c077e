import Foundation
import KisumKernel
import KisumPersistence
import KisumServiceClient
import Logging
import ServiceLifecycle

/// Fetches one feed's bytes. The HTTP one is the production fetcher; tests may pass another.
public protocol NewsFeedFetching: Sendable {
    func fetch(_ url: String) async throws -> [UInt8]
}

/// A feed over libcurl, through the outbound URL guard (no private addresses, the checked address pinned), with the
/// settings' timeout and size limit. Redirects are not followed: a feed URL names the feed itself.
public struct NewsFeedFetcher: NewsFeedFetching {
    let urlGuard: OutboundURLGuard
    let transport: any HTTPTransport
    let timeout: Duration
    let maxBytes: Int

    public init(settings: NewsSettings, transport: any HTTPTransport = CurlTransport.shared, resolver: any HostResolver = SystemHostResolver()) {
        self.urlGuard = OutboundURLGuard(allowLoopback: settings.allowLoopback, resolver: resolver)
        self.transport = transport
        self.timeout = settings.timeout
        self.maxBytes = settings.maxFeedBytes
    }

    public struct UnexpectedStatus: Error, CustomStringConvertible {
        public var status: Int
        public var description: String { "the feed answered HTTP \(status)" }
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        var request = OutboundRequest(method: "GET", url: url, headers: [
            ("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8"),
            ("User-Agent", "Kisum-News/1.0"),
        ], timeout: timeout, connectTimeout: min(timeout, .seconds(5)))
        request.maxResponseBytes = maxBytes
        let response = try await transport.send(try await urlGuard.pin(request))
        guard (200..<300).contains(response.status) else { throw UnexpectedStatus(status: response.status) }
        return response.body
    }
}

/// What one refresh pass did with one feed.
public struct NewsFeedOutcome: Sendable, Equatable {
    public var url: String
    /// Items the feed listed (after cleaning), and how many of them were new.
    public var items: Int
    public var added: Int
    /// Why the feed was skipped (refused by the guard, unreachable, timed out, too large, not a feed …); nil when read.
    public var skipped: String?
}

/// One pass over every configured feed: fetch, parse, store what is new. A feed that fails is skipped and logged; the
/// others go on.
public struct NewsRefresher: Sendable {
    let repository: NewsRepository
    let fetcher: any NewsFeedFetching
    let feeds: [String]
    let logger: Logger

    public init(database: Database, settings: NewsSettings, fetcher: (any NewsFeedFetching)? = nil,
                logger: Logger = Logger(label: "base.news")) {
        self.repository = NewsRepository(database: database)
        self.fetcher = fetcher ?? NewsFeedFetcher(settings: settings)
        self.feeds = settings.feedURLs
        self.logger = logger
    }

    @discardableResult
    public func refreshOnce() async -> [NewsFeedOutcome] {
        var outcomes: [NewsFeedOutcome] = []
        for url in feeds {
            if Task.isCancelled { break }
            outcomes.append(await refresh(url))
        }
        return outcomes
    }

    func refresh(_ url: String) async -> NewsFeedOutcome {
        do {
            let feed = try NewsFeedParser.parse(try await fetcher.fetch(url))
            let source = feed.title ?? URLComponents(string: url)?.host ?? url
            let added = try await repository.store(feedURL: url, source: source, items: feed.items)
            logger.info("news feed read", metadata: ["feed": "\(url)", "items": "\(feed.items.count)", "added": "\(added)"])
            return NewsFeedOutcome(url: url, items: feed.items.count, added: added, skipped: nil)
        } catch {
            let reason = Self.reason(error)
            logger.warning("news feed skipped", metadata: ["feed": "\(url)", "reason": "\(reason)"])
            return NewsFeedOutcome(url: url, items: 0, added: 0, skipped: reason)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let refusal = error as? OutboundURLRefusal { return refusal.description }
        if let failure = error as? ServiceClientError {
            switch failure {
            case .timeout: return "timed out"
            case .invalidResponse(_, let reason): return reason
            case .unreachable(_, _, let reason): return "unreachable: \(reason)"
            default: return failure.description
            }
        }
        return String(describing: error)
    }
}

/// The refresh job beside the server: a pass at start, then one every `interval`, until shutdown.
public struct NewsRefreshService: Service {
    let refresher: NewsRefresher
    let interval: Duration

    public init(refresher: NewsRefresher, interval: Duration) {
        self.refresher = refresher
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refresher.refreshOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
