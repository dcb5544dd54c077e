import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// A file the company keeps about a linked venue (metadata; the bytes stay in the database).
public struct VenueDocument: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var venueId: UUID
    public var title: String
    /// tech_rider | stage_plot | floor_plan | contract | photo | other.
    public var kind: String
    public var fileName: String?
    /// What the bytes are (sniffed), never what the client declared.
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var uploadedBy: UUID
    public var uploadedAt: Date
}

enum VenueDocumentRules {
    static let kinds = ["tech_rider", "stage_plot", "floor_plan", "contract", "photo", "other"]
    /// Riders and plans are PDFs or pictures of a few MiB; 10 MiB bounds a row and a request.
    static let maxBytes = 10 * 1024 * 1024

    /// The type by content: PDF or a PNG/JPEG/WebP picture; nil for anything else.
    static func contentType(of data: Data) -> String? {
        if data.prefix(5).elementsEqual("%PDF-".utf8) { return "application/pdf" }
        return ImageType.sniff(data)?.contentType
    }

    /// The upload's optional text fields: `title` (1–200, default the file name) and `kind`.
    static func validate(title: String?, kind: String?) throws {
        var v = Validator()
        v.text(title, "title", required: false, maxLength: 200)
        v.oneOf(kind, "kind", kinds)
        try v.validate()
    }
}
