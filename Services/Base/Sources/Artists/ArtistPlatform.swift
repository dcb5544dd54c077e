import Foundation
import Hummingbird
import KisumKernel

/// An artist's profile on a social or streaming platform.
public struct ArtistPlatform: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var artistId: UUID
    public var platform: String
    public var url: String
    public var handle: String?
    public var createdAt: Date
}

enum PlatformName {
    static let all = ["spotify", "apple_music", "youtube", "instagram", "tiktok", "soundcloud", "bandcamp", "facebook", "x",
                      "deezer", "website", "other"]
}

/// `POST /api/artists/{id}/platforms`.
struct PlatformInput: ValidatableBody, Sendable {
    var platform: String?
    var url: String?
    var handle: String?

    func validate(_ v: inout Validator) {
        v.oneOf(platform, "platform", PlatformName.all, required: true)
        if url == nil { v.add("url", "required", "This field is required.") }
        ArtistRules.webURL(url, "url", schemes: ["https"], into: &v)
        v.text(handle, "handle", required: false, maxLength: 100)
    }
}

/// Audience figures of a platform profile at one moment. Each figure is optional; a snapshot has at least one.
public struct PlatformSnapshot: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var platformId: UUID
    public var recordedAt: Date
    public var followers: Int64?
    public var monthlyListeners: Int64?
    public var streams: Int64?
    public var views: Int64?
    public var likes: Int64?
    public var createdAt: Date
}

/// `POST /api/artists/{id}/platforms/{platformId}/stats`: records a snapshot (`recordedAt` defaults to now).
struct SnapshotInput: ValidatableBody, Sendable {
    var recordedAt: Date?
    var followers: Int64?
    var monthlyListeners: Int64?
    var streams: Int64?
    var views: Int64?
    var likes: Int64?

    /// Far above any audience, far below `Int64.max`: growth (a difference) can never overflow.
    static let maxFigure: Int64 = 1_000_000_000_000_000

    var figures: [(String, Int64?)] {
        [("followers", followers), ("monthlyListeners", monthlyListeners), ("streams", streams), ("views", views), ("likes", likes)]
    }

    func validate(_ v: inout Validator) {
        for (field, value) in figures { v.range(value, field, 0...Self.maxFigure) }
        if figures.allSatisfy({ $0.1 == nil }) {
            v.add("followers", "required", "Give at least one figure: followers, monthlyListeners, streams, views or likes.")
        }
        // A snapshot records what was seen; a day's grace for clocks and time zones.
        if let recordedAt, recordedAt > Date().addingTimeInterval(86_400) {
            v.add("recordedAt", "in_future", "A snapshot cannot be recorded for a time more than a day ahead.")
        }
        if let recordedAt, recordedAt < Self.earliest {
            v.add("recordedAt", "out_of_range", "Must be in the year 2000 or later.")
        }
    }

    static let earliest = Date(timeIntervalSince1970: 946_684_800)
}

/// `GET /api/artists/{id}/platforms/{platformId}/stats`: the snapshots of a window and the growth over it.
public struct PlatformStats: ResponseEncodable, Sendable, Equatable {
    public var artistId: UUID
    public var platformId: UUID
    public var platform: String
    /// The window as asked (`YYYY-MM-DD`, UTC days, both included); null: open-ended.
    public var from: String?
    public var to: String?
    /// Snapshots in the window (all of them, however many `snapshots` lists).
    public var snapshotCount: Int
    public var firstRecordedAt: Date?
    public var lastRecordedAt: Date?
    public var growth: PlatformGrowth
    /// The latest `limit` snapshots of the window, oldest first.
    public var snapshots: [PlatformSnapshot]
}

/// Per figure, from the earliest to the latest snapshot of the window that carries it (null: fewer than one).
public struct PlatformGrowth: Codable, Sendable, Equatable {
    public var followers: FigureGrowth?
    public var monthlyListeners: FigureGrowth?
    public var streams: FigureGrowth?
    public var views: FigureGrowth?
    public var likes: FigureGrowth?
}

public struct FigureGrowth: Codable, Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    /// `last - first`.
    public var change: Int64
    /// `change / first × 100`, rounded to 2 decimals; null when `first` is 0.
    public var changePercent: Double?

    /// Nil unless both ends exist. Figures are bounded (`SnapshotInput.maxFigure`), so the difference fits.
    init?(first: Int64?, last: Int64?) {
        guard let first, let last else { return nil }
        self.first = first
        self.last = last
        let (change, overflow) = last.subtractingReportingOverflow(first)
        self.change = overflow ? 0 : change
        self.changePercent = first == 0 ? nil : (Double(self.change) / Double(first) * 10_000).rounded() / 100
    }
}
