import Foundation
import HTTPTypes
import KisumKernel
import NIOCore

/// The e-signature boundary. Venue owns the contract lifecycle; a provider only carries the document
/// to the signers and reports back. Credentials stay inside the adapter (never in responses or logs).
public protocol SignatureProvider: Sendable {
    /// Stored with the contract (`local`, `adobe_sign`), so a status refresh asks the provider that sent it.
    var kind: String { get }
    /// Sends the document out for signature and returns the provider's initial state.
    func send(_ envelope: SignatureEnvelope) async throws -> AgreementState
    /// Reminds the signers who have not signed yet.
    func remind(agreementID: String, signers: [EnvelopeSigner], message: String?) async throws
    /// The provider's current state, or nil when the provider keeps no state of its own (the local
    /// adapter: the database is the whole truth).
    func fetchState(agreementID: String) async throws -> AgreementState?
    /// Withdraws the agreement from the signers (the contract is being voided).
    func cancel(agreementID: String, reason: String?) async throws
}

public struct SignatureEnvelope: Sendable {
    public var contractID: UUID
    public var title: String
    public var message: String?
    public var fileName: String
    public var document: ByteBuffer
    public var signers: [EnvelopeSigner]
    public var expiresAt: Date?
}

public struct EnvelopeSigner: Sendable, Equatable {
    public var name: String
    public var email: String
    public var role: String
    public var signingOrder: Int
}

/// What a provider reports, already in Venue's words.
public struct AgreementState: Sendable, Equatable {
    public var agreementID: String
    /// Venue contract status: sent, partially_signed, signed, declined, voided or expired.
    public var status: String
    /// The provider's own status word.
    public var providerStatus: String
    /// Per signer, keyed by lower-case e-mail: pending, sent, viewed, signed or declined.
    public var signers: [String: String]

    public init(agreementID: String, status: String, providerStatus: String, signers: [String: String]) {
        self.agreementID = agreementID
        self.status = status
        self.providerStatus = providerStatus
        self.signers = signers
    }
}

/// Provider failures. Reasons are the provider's error codes and our own words, never request
/// headers, so no credential can reach a response or a log line through them.
public enum SignatureProviderError: Error, APIErrorConvertible, CustomStringConvertible {
    /// Unreachable, timed out or answering 5xx: try again later.
    case unavailable(provider: String, reason: String)
    /// The provider refused the request (bad credentials, invalid agreement, …).
    case rejected(provider: String, status: Int, reason: String)
    /// The provider answered something we cannot read.
    case invalidResponse(provider: String, reason: String)

    public var apiError: APIError {
        switch self {
        case .unavailable(let provider, _):
            return APIError(.serviceUnavailable, code: "signature_provider_unavailable",
                            message: "The signature provider (\(provider)) is unavailable; try again later.")
        case .rejected(let provider, let status, let reason):
            return APIError(.badGateway, code: "signature_provider_rejected",
                            message: "The signature provider (\(provider)) refused the request.",
                            info: ["providerStatus": .number(Double(status)), "reason": .string(reason)])
        case .invalidResponse(let provider, _):
            return APIError(.badGateway, code: "signature_provider_invalid_response",
                            message: "The signature provider (\(provider)) sent an answer that could not be read.")
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let provider, let reason): return "\(provider) unavailable: \(reason)"
        case .rejected(let provider, let status, let reason): return "\(provider) rejected the request (\(status)): \(reason)"
        case .invalidResponse(let provider, let reason): return "\(provider) invalid response: \(reason)"
        }
    }

    /// A short code to store as the contract's `signature_error`.
    var storedReason: String {
        switch self {
        case .unavailable: return "provider_unavailable"
        case .rejected(_, let status, let reason): return "provider_rejected_\(status): \(reason.prefix(200))"
        case .invalidResponse: return "provider_invalid_response"
        }
    }
}

/// The local adapter, live today per the spec: nothing leaves the service; sending records the
/// agreement in the database (signers marked sent, an agreement id, status sent). Signatures then
/// arrive only through a real provider, so a local agreement stays `sent` until it is voided or
/// its `expiresAt` passes.
public struct LocalSignatureProvider: SignatureProvider {
    public let kind = "local"

    public init() {}

    public func send(_ envelope: SignatureEnvelope) async throws -> AgreementState {
        let id = "local_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let signers = Dictionary(envelope.signers.map { ($0.email, "sent") }, uniquingKeysWith: { first, _ in first })
        return AgreementState(agreementID: id, status: "sent", providerStatus: "LOCAL_SENT", signers: signers)
    }

    public func remind(agreementID: String, signers: [EnvelopeSigner], message: String?) async throws {}

    public func fetchState(agreementID: String) async throws -> AgreementState? { nil }

    public func cancel(agreementID: String, reason: String?) async throws {}
}
