import Foundation
import Hummingbird
import KisumKernel

/// An agreement (issue 9): the contract made from an accepted offer. It keeps a snapshot of what was agreed
/// (`terms`: the offer's deal and ticket scenario, with its date, venue and currency) so later edits of the
/// offer never change a document already sent; the PDF is generated from that snapshot.
public struct Agreement: ResponseEncodable, Sendable {
    public var id: UUID
    public var offerId: UUID
    public var eventId: UUID?
    public var artistId: UUID
    public var artistName: String
    public var status: String
    public var title: String
    public var notes: String?
    /// `YYYY-MM-DD`.
    public var eventDate: String
    public var venueName: String?
    public var city: String?
    public var currency: String
    /// `{"deal": DealTerms, "scenario": {"capacity", "tiers"}}` as the offer held them at creation.
    public var terms: JSONValue
    public var pdf: AgreementPdfInfo?
    public var version: Int
    public var createdBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// The stored document: download it from `downloadUrl` (`GET /api/agreements/{id}/pdf`).
public struct AgreementPdfInfo: Codable, Sendable {
    public var sizeBytes: Int
    public var sha256: String
    public var generatedAt: Date
    public var downloadUrl: String
}

/// A file attached to an agreement; its bytes are at `downloadUrl` (`GET /api/agreements/{id}/{kind}/{assetId}`).
public struct AgreementAsset: ResponseEncodable, Sendable {
    public var id: UUID
    public var agreementId: UUID
    public var kind: String
    public var position: Int
    public var fileName: String
    public var description: String?
    public var contentType: String
    public var sizeBytes: Int
    public var sha256: String
    public var downloadUrl: String
    public var uploadedBy: UUID
    public var createdAt: Date
    public var updatedAt: Date
}

/// The lifecycle: draft → sent → signed; sent may go back to draft (recalled for changes); anything but a
/// cancelled agreement may be cancelled, which deletes its PDF. Cancelled is final: make a new agreement from the offer.
enum AgreementStatus {
    static let all = ["draft", "sent", "signed", "cancelled"]

    static func next(from status: String) -> [String] {
        switch status {
        case "draft": return ["sent", "cancelled"]
        case "sent": return ["draft", "signed", "cancelled"]
        case "signed": return ["cancelled"]
        default: return []
        }
    }

    /// 409 naming the allowed statuses when `from` cannot become `to` (staying put is always allowed).
    static func check(from old: String, to new: String) throws {
        guard new != old, !next(from: old).contains(new) else { return }
        let allowed = JSONValue.array(next(from: old).map { .string($0) })
        throw APIError.conflict("invalid_status_transition", "A \(old) agreement cannot become \(new).",
                                info: ["status": .string(old), "allowed": allowed])
    }

    /// Offers an agreement can be made from: accepted (and accepted then converted into an event).
    static let agreeableOfferStatuses = ["accepted", "converted"]
}

/// The kinds of file an agreement carries: the `{assets}` segment of `/api/agreements/{id}/{assets}`.
enum AgreementAssetKind {
    static let all = ["rider", "hospitality", "stage_plot", "contract", "other"]
    /// Files per kind on one agreement.
    static let maxPerKind = 20
    /// Bytes per file: riders and stage plots are PDFs and pictures of a few MiB at most.
    static let maxBytes = 10 * 1024 * 1024

    /// The path's kind, or 404 `asset_kind_not_found` (the path names no collection the agreement has).
    static func parse(_ value: String?) throws -> String {
        guard let value, all.contains(value) else {
            throw APIError(.notFound, code: "asset_kind_not_found",
                           message: "Agreements carry files of these kinds: \(all.joined(separator: ", ")).",
                           info: ["allowed": .array(all.map { .string($0) })])
        }
        return value
    }
}

/// File types an agreement asset may be, recognised by their first bytes (never the declared type or name).
enum AssetFileType {
    static func sniff(_ data: Data) -> String? {
        if data.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        return ImageType.sniff(data)?.contentType
    }

    /// A name to store and to offer on download: the path's last component, control characters and quotes
    /// removed, at most 255 characters; "file" when nothing is left.
    static func cleanName(_ name: String?) -> String {
        let base = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let kept = base.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) && $0 != "\"" }
        let text = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
        // Code points, as the column's check counts them (a character may be several).
        return text.isEmpty ? "file" : String(String.UnicodeScalarView(text.unicodeScalars.prefix(255)))
    }
}

// MARK: Bodies

/// `POST /api/agreements/create`: an agreement from an accepted offer. The title defaults to
/// "<artist> – <date>".
struct CreateAgreement: Decodable, Sendable, ValidatableBody {
    var offerId: UUID?
    var title: String?
    var notes: String?

    func validate(_ v: inout Validator) {
        if offerId == nil { v.add("offerId", "required", "This field is required.") }
        v.text(title, "title", required: false, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
    }
}

/// `PUT /api/agreements/{id}`: replaces title, notes and status (`notes` left out is cleared, `status` left out
/// keeps the current one). `version` is the one the client read: another save in between answers 409
/// `version_conflict`, never a silent overwrite. The snapshot of terms never changes here.
struct ReplaceAgreement: Decodable, Sendable, ValidatableBody {
    var title: String?
    var notes: String?
    var status: String?
    var version: Int?

    func validate(_ v: inout Validator) {
        v.text(title, "title", required: true, maxLength: 200)
        v.text(notes, "notes", required: false, maxLength: 5000)
        v.oneOf(status, "status", AgreementStatus.all)
        if version == nil { v.add("version", "required", "Send the version you read (optimistic concurrency).") }
        v.range(version, "version", 1...Int(Int32.max))
    }
}

/// `PUT /api/agreements/{id}/{assets}`: the kind's files as they should be, in order. Files left out are
/// removed; listed files get the given name and description; new files come only by upload (POST).
struct ReplaceAgreementAssets: Decodable, Sendable, ValidatableBody {
    struct Item: Decodable, Sendable {
        var id: UUID?
        var fileName: String?
        var description: String?
    }

    var assets: [Item]?

    func validate(_ v: inout Validator) {
        guard let assets else { return v.add("assets", "required", "This field is required.") }
        v.check(assets.count <= AgreementAssetKind.maxPerKind, "assets", "too_many", "At most \(AgreementAssetKind.maxPerKind) files per kind.")
        var seen = Set<UUID>()
        for (index, item) in assets.prefix(AgreementAssetKind.maxPerKind).enumerated() {
            if let id = item.id {
                if !seen.insert(id).inserted { v.add("assets[\(index)].id", "duplicate", "Each file is listed once.") }
            } else {
                v.add("assets[\(index)].id", "required", "This field is required.")
            }
            v.text(item.fileName, "assets[\(index)].fileName", required: false, maxLength: 255)
            v.text(item.description, "assets[\(index)].description", required: false, maxLength: 1000)
        }
    }
}

/// Filters and order of `GET /api/agreements`.
struct AgreementFilter: Sendable {
    var status: String?
    var artistID: UUID?
    var offerID: UUID?
    var eventID: UUID?
    var from: String?
    var to: String?
    var search: String?
    var sort = "-createdAt"

    static let sorts = ["eventDate", "-eventDate", "createdAt", "-createdAt", "title", "-title"]
}
