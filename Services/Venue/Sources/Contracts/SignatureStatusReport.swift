import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/v1/contracts/{id}/signature-status`.
public struct SignatureStatusReport: Codable, Sendable, ResponseEncodable {
    public var contractId: UUID
    public var status: String
    public var provider: String?
    public var agreementId: String?
    public var providerStatus: String?
    public var sentAt: Date?
    public var lastSentAt: Date?
    public var signedAt: Date?
    public var declinedAt: Date?
    public var voidedAt: Date?
    public var expiresAt: Date?
    public var signers: [ContractSigner]
    public var sync: SignatureSync
}

/// Where the reported state comes from. `refreshed`: fetched from the provider during this request.
/// `stale`: the provider could not be reached, so this is the last stored state (see `error`).
public struct SignatureSync: Codable, Sendable {
    public var source: String
    public var refreshed: Bool
    public var stale: Bool
    public var syncedAt: Date?
    public var error: String?
}
