import Foundation
import Hummingbird
import KisumKernel

/// `POST /api/artists` and `PUT /api/artists/{id}`. The PUT replaces the artist: a field left out or null is
/// cleared (`genreIds`: no genres); `kind` and `status`, which always have a value, keep theirs when left out
/// of a PUT and default to solo / active on create. `version` is only read by the PUT.
struct ArtistInput: Decodable, Sendable {
    var name: String?
    var kind: String?
    var status: String?
    var email: String?
    var phone: String?
    var website: String?
    var imageUrl: String?
    var countryId: UUID?
    var city: String?
    var genreIds: [UUID]?
    var version: Int?

    static let maxGenres = 20

    func validate(_ v: inout Validator) {
        v.text(name, "name", maxLength: 200)
        v.oneOf(kind, "kind", ArtistKind.all)
        v.oneOf(status, "status", ArtistStatus.all)
        if let email { v.email(email, "email") }
        ArtistRules.phone(phone, "phone", into: &v)
        ArtistRules.webURL(website, "website", into: &v)
        ArtistRules.webURL(imageUrl, "imageUrl", into: &v)
        v.text(city, "city", required: false, maxLength: 100)
        if let genreIds {
            if genreIds.count > Self.maxGenres {
                v.add("genreIds", "too_many", "At most \(Self.maxGenres) genres.")
            } else if Set(genreIds).count != genreIds.count {
                v.add("genreIds", "duplicate", "Each genre may be listed once.")
            }
        }
    }

    var genres: [UUID] { genreIds ?? [] }
}

/// `POST /api/artists/{id}/bio`: the bio editor's document, and optionally the bio as text (left out: the
/// stored text stays; null: cleared).
struct BioInput: Decodable, Sendable {
    var resJson: JSONValue?
    var text: Patch<String> = .absent

    /// The document as stored (`bio_document`), at most this many bytes of JSON.
    static let maxDocumentBytes = 65_536
    static let maxTextLength = 20_000

    /// Validates (422 naming the fields) and returns the document's JSON text for the `::jsonb` bind, so the
    /// size checked is the size stored.
    func validated() throws -> String {
        var v = Validator()
        var document: String?
        switch resJson {
        case .object?:
            let text = String(decoding: try JSONCoding.encoder.encode(resJson), as: UTF8.self)
            document = text
            if text.utf8.count > Self.maxDocumentBytes {
                v.add("resJson", "too_large", "At most \(Self.maxDocumentBytes) bytes of JSON.")
            }
        case nil, .null?:
            v.add("resJson", "required", "This field is required: a JSON object.")
        default:
            v.add("resJson", "invalid_type", "Must be a JSON object.")
        }
        if let value = text.value {
            v.text(value, "text", required: false, maxLength: Self.maxTextLength)
        }
        try v.validate()
        return document ?? "{}"
    }
}

/// Field rules shared by artists, contacts and platform links.
enum ArtistRules {
    /// Digits, spaces and `+ ( ) - .`, 3 to 50 of them.
    static func phone(_ value: String?, _ field: String, into v: inout Validator) {
        guard let value else { return }
        if value.unicodeScalars.count > 50 || value.range(of: "^[0-9+() .\\-]{3,}$", options: .regularExpression) == nil {
            v.add(field, "invalid_phone", "Must be a phone number of digits, spaces and + ( ) - .")
        }
    }

    /// An absolute http(s) URL with a host, at most 2048 characters.
    static func webURL(_ value: String?, _ field: String, schemes: Set<String> = ["http", "https"], into v: inout Validator) {
        guard let value else { return }
        guard value.unicodeScalars.count <= 2048 else {
            v.add(field, "too_long", "At most 2048 characters.")
            return
        }
        let url = URL(string: value)
        let scheme = url?.scheme?.lowercased() ?? ""
        let host = url?.host ?? ""
        if !schemes.contains(scheme) || host.isEmpty || value.contains(where: \.isWhitespace) {
            let names = schemes.sorted().joined(separator: " or ")
            v.add(field, "invalid_url", "Must be an absolute \(names) URL.")
        }
    }
}
