import Foundation
import HTTPTypes
import KisumKernel

/// The company's accounting system, as Base uses it: an OAuth 2.0 authorization-code flow with PKCE, the
/// organisations (tenants) a connection reaches, and the accounting reads and writes. `XeroHTTPProvider` is the one
/// implementation (Xero has no honest local stand-in: unconfigured, the routes answer 503). Tokens go in and out as
/// values; the provider keeps none, so the caller decides where they live (sealed in the database).
public protocol AccountingProvider: Sendable {
    /// The consent page the browser is sent to, carrying `state` and the PKCE S256 challenge.
    func authorizeURL(state: String, codeChallenge: String) -> String
    /// The authorization code (with the PKCE verifier) for tokens.
    func exchange(code: String, codeVerifier: String) async throws -> ProviderTokens
    /// A refresh token (single use: the answer carries its successor) for new tokens. `.invalidGrant` when refused.
    func refresh(refreshToken: String) async throws -> ProviderTokens
    /// Revokes the refresh token and every access token made from it.
    func revoke(refreshToken: String) async throws
    /// The organisations this connection reaches.
    func tenants(accessToken: String) async throws -> [ProviderTenant]
    func accounts(_ access: ProviderAccess) async throws -> [XeroAccount]
    func contacts(_ access: ProviderAccess, page: Int, pageSize: Int, search: String?) async throws -> XeroContactPage
    /// Creates invoices in one call; one result per draft, in order. `idempotencyKey` makes a repeated call answer
    /// the first one's invoices instead of creating new ones.
    func createInvoices(_ drafts: [InvoiceDraft], access: ProviderAccess, idempotencyKey: String) async throws -> [InvoiceResult]
    /// One invoice, or nil when the organisation has no such invoice.
    func invoice(id: UUID, access: ProviderAccess) async throws -> XeroInvoice?
}

/// What accounting calls carry: the bearer token and the organisation.
public struct ProviderAccess: Sendable, CustomStringConvertible {
    public var accessToken: String
    public var tenantID: UUID
    public var description: String { "access to tenant \(tenantID.uuidString.lowercased())" }
}

/// Tokens from the token endpoint. Printing them prints nothing secret.
public struct ProviderTokens: Sendable, CustomStringConvertible {
    public var accessToken: String
    public var refreshToken: String
    /// Seconds the access token lives (Xero: 1,800).
    public var expiresIn: Int
    public var scopes: [String]

    public init(accessToken: String, refreshToken: String, expiresIn: Int, scopes: [String]) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
        self.scopes = scopes
    }

    public var description: String { "tokens (<redacted>, expires in \(expiresIn) s, scopes \(scopes.joined(separator: " ")))" }
}

public struct ProviderTenant: Sendable, Equatable {
    public var connectionID: UUID
    public var tenantID: UUID
    public var tenantName: String?
    public var tenantType: String
    public var createdAt: String?
}

/// An invoice to create, already in the provider's terms: amounts are exact decimal text in the currency's unit.
public struct InvoiceDraft: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var description: String
        public var quantity: String
        public var unitAmount: String
        public var accountCode: String?
        public var taxType: String?
    }

    public var type: String
    public var contactID: UUID?
    public var contactName: String?
    public var date: String
    public var dueDate: String?
    public var currency: String
    public var reference: String?
    public var status: String
    public var lineAmountTypes: String
    public var lines: [Line]
}

/// One draft's outcome: the invoice, or the provider's reasons for refusing it.
public enum InvoiceResult: Sendable {
    case created(XeroInvoice)
    case refused([String])
}

/// Provider failures. Reasons are the provider's error words and our own, never a token or a request header, so
/// nothing secret can reach a response or a log line through them.
public enum AccountingProviderError: Error, APIErrorConvertible, CustomStringConvertible, Equatable {
    /// Unreachable, timed out, rate limited or 5xx: try again later.
    case unavailable(String)
    /// The token endpoint refused a code or refresh token (`invalid_grant`): only a new consent repairs it.
    case invalidGrant(String)
    /// The API refused the access token (401).
    case unauthorized
    /// The provider refused the request's content (Xero's ValidationException), with its messages.
    case validation([String])
    case notFound
    /// Any other refusal (403 for an organisation the connection no longer reaches, 400 of another kind …).
    case rejected(status: Int, reason: String)
    /// An answer that could not be read.
    case invalidResponse(String)

    public var apiError: APIError {
        switch self {
        case .unavailable:
            return APIError(.serviceUnavailable, code: "xero_unavailable", message: "Xero is unavailable; try again later.")
        case .invalidGrant:
            return APIError(.conflict, code: "xero_reauthorization_required",
                            message: "Xero refused the connection's authorisation; connect again (GET /api/xero/connect).")
        case .unauthorized:
            return APIError(.badGateway, code: "xero_rejected", message: "Xero refused the connection's access token.",
                            info: ["providerStatus": 401])
        case .validation(let messages):
            return APIError(.unprocessableContent, code: "xero_validation_failed", message: "Xero refused the invoice.",
                            details: messages.prefix(20).map { FieldIssue(field: "invoice", code: "xero_validation", message: String($0.prefix(500))) })
        case .notFound:
            return APIError.notFound("Xero record")
        case .rejected(let status, let reason):
            return APIError(.badGateway, code: "xero_rejected", message: "Xero refused the request.",
                            info: ["providerStatus": .number(Double(status)), "reason": .string(String(reason.prefix(200)))])
        case .invalidResponse:
            return APIError(.badGateway, code: "xero_invalid_response", message: "Xero sent an answer that could not be read.")
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let reason): return "xero unavailable: \(reason)"
        case .invalidGrant(let reason): return "xero invalid grant: \(reason)"
        case .unauthorized: return "xero refused the access token"
        case .validation(let messages): return "xero validation: \(messages.joined(separator: "; "))"
        case .notFound: return "xero: not found"
        case .rejected(let status, let reason): return "xero rejected (\(status)): \(reason)"
        case .invalidResponse(let reason): return "xero invalid response: \(reason)"
        }
    }
}
