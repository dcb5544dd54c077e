import Foundation
import HTTPTypes
import KisumKernel
import Logging

/// What Venue reads of a Promoter event: its identity. Promoter answers the whole event; the rest is
/// Promoter's truth and Venue does not copy it.
public struct PromoterEventIdentity: Decodable, Sendable, Equatable {
    public var publicEventId: UUID
    public var companyId: UUID
    public var legacyId: String?

    public init(publicEventId: UUID, companyId: UUID, legacyId: String? = nil) {
        self.publicEventId = publicEventId
        self.companyId = companyId
        self.legacyId = legacyId
    }
}

/// Promoter's events as Venue sees them. `HTTPPromoterDirectory` asks Promoter's internal resolver.
public protocol PromoterDirectory: Sendable {
    /// The event `reference` (a publicEventId or a legacy id, already known to be one of the two forms)
    /// names in `companyID`; nil when Promoter says there is none there. Throws
    /// `PromoterDirectoryError` when Promoter cannot answer.
    func event(_ reference: String, companyID: UUID) async throws -> PromoterEventIdentity?
}

/// Promoter could not give an answer (down, slow, erroring, or refusing Venue's key); the reason is for
/// the log only, never for the caller.
public struct PromoterDirectoryError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "promoter directory: \(reason)" }
}

/// The two spellings of a promoter event id: a `publicEventId` UUID or a legacy 24-hex Mongo id.
enum PromoterEventID {
    /// ASCII hex only (`Character.isHexDigit` would also take full-width digits, which no Mongo id holds).
    static func isValid(_ text: String) -> Bool {
        UUID(uuidString: text) != nil
            || (text.utf8.count == 24 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
    }

    /// List filters compare lower case, the spelling rows are stored in.
    static func normalized(_ text: String?) -> String? {
        text?.lowercased()
    }
}

/// Turns a caller's promoterEventId into the canonical id Venue stores, before anything is written:
///
/// - nil (no promoter event, e.g. a placeholder) → nil, and Promoter is not asked;
/// - neither a UUID nor 24 hex digits, or unknown to Promoter in the caller's company → 422
///   `unknown_promoter_event` naming the field;
/// - no directory configured → 503 `provider_not_configured` (fail closed);
/// - Promoter down, erroring or slow → 503 `promoter_unavailable`.
///
/// The result is Promoter's `publicEventId` in lower case, so a legacy id and its UUID name one venue event.
struct PromoterEventResolver: Sendable {
    let directory: (any PromoterDirectory)?

    func canonical(_ raw: String?, field: String = "promoterEventId", companyID: UUID) async throws -> String? {
        guard let raw else { return nil }
        guard PromoterEventID.isValid(raw) else { throw Self.unknown(field) }
        guard let directory else { throw APIError.providerNotConfigured("promoter") }
        let found: PromoterEventIdentity?
        do {
            found = try await directory.event(raw, companyID: companyID)
        } catch let error as PromoterDirectoryError {
            RequestLogger.current?.warning("promoter event check failed", metadata: ["reason": "\(error.reason)"])
            throw APIError.unavailable("promoter_unavailable",
                                       "The Promoter service cannot confirm the promoter event right now; nothing was saved. Try again shortly.")
        }
        // Promoter answers only its caller's company; a different company would be its bug, and Venue must
        // never store another company's event, so that counts as unknown.
        guard let found, found.companyId == companyID else { throw Self.unknown(field) }
        return found.publicEventId.uuidString.lowercased()
    }

    static func unknown(_ field: String) -> APIError {
        APIError(.unprocessableContent, code: "unknown_promoter_event",
                 message: "No promoter event with this id exists in this company.",
                 details: [FieldIssue(field: field, code: "unknown_promoter_event",
                                      message: "Must be the publicEventId or legacy id of a promoter event of this company.")])
    }
}
