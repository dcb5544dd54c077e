import Foundation
import Hummingbird
import KisumKernel

/// An item of the industry news feed (issue 14, "News"): aggregated from the configured RSS/Atom feeds by the refresh
/// job (`NewsRefresher`), de-duplicated per feed, stored; text is plain (markup removed), `link` is http(s) or null.
public struct NewsItem: ResponseEncodable, Codable, Sendable, Equatable {
    public var id: UUID
    /// The feed's title (else its host).
    public var source: String
    public var title: String
    public var link: String?
    public var summary: String?
    public var author: String?
    /// As the feed dated it (null when it did not, or dated it in the future).
    public var publishedAt: Date?
    public var fetchedAt: Date
}

struct NewsFilter: Sendable {
    var q: String?
    var source: String?
    var since: Date?
}
