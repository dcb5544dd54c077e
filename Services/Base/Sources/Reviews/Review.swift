import Foundation
import Hummingbird
import KisumKernel

/// A member's rating of one of the company's artists or linked venues (issue 14: "reviews are tenant-written ratings of
/// artists, venues and vendors"; vendors wait for Base's vendors table — the column is in 0025).
public struct Review: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var subjectType: String
    public var subjectId: UUID
    public var rating: Int
    public var title: String?
    public var body: String?
    public var authorId: UUID
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

enum ReviewSubject: String, CaseIterable, Sendable {
    case artist, venue

    static var names: [String] { allCases.map(\.rawValue) }

    /// Reading a subject's reviews needs the subject's own read permission; writing one, its write permission: a
    /// review is something said about an artist or a venue, so it follows their permissions.
    var readPermission: String {
        switch self {
        case .artist: BasePermission.artistsRead
        case .venue: BasePermission.venuesRead
        }
    }

    var writePermission: String {
        switch self {
        case .artist: BasePermission.artistsWrite
        case .venue: BasePermission.venuesWrite
        }
    }
}

enum ReviewValues {
    static let maxTitle = 200
    static let maxBody = 5000
}

/// `POST /api/reviews`.
struct NewReview: Decodable, Sendable, ValidatableBody {
    var subjectType: String?
    var subjectId: UUID?
    var rating: Int?
    var title: String?
    var body: String?

    var subject: ReviewSubject? { subjectType.flatMap(ReviewSubject.init(rawValue:)) }

    func validate(_ v: inout Validator) {
        v.oneOf(subjectType, "subjectType", ReviewSubject.names, required: true)
        if subjectId == nil { v.add("subjectId", "required", "This field is required.") }
        ReviewText.validate(rating: rating, title: title, body: body, &v)
    }
}

/// `PUT /api/reviews/{id}`: the rating, title and body, replaced whole (the subject never changes).
struct ReviewUpdate: Decodable, Sendable, ValidatableBody {
    var rating: Int?
    var title: String?
    var body: String?

    func validate(_ v: inout Validator) {
        ReviewText.validate(rating: rating, title: title, body: body, &v)
    }
}

enum ReviewText {
    static func validate(rating: Int?, title: String?, body: String?, _ v: inout Validator) {
        if let rating { v.range(rating, "rating", 1...5) } else { v.add("rating", "required", "This field is required.") }
        v.text(title, "title", required: false, maxLength: ReviewValues.maxTitle)
        if let body, body.unicodeScalars.count > ReviewValues.maxBody {
            v.add("body", "too_long", "At most \(ReviewValues.maxBody) characters.")
        }
    }

    static func trimmed(_ text: String?) -> String? { text?.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// An empty body is no body.
    static func body(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
}

struct ReviewFilter: Sendable {
    /// The subject types the caller may read (the filter's one, or every readable one).
    var types: [String]
    var subjectID: UUID?
    var minRating: Int?
    var authorID: UUID?
}
