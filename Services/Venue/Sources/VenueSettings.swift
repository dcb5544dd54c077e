import Foundation
import KisumKernel
import PlatformCoreAPI

/// The Venue service's own settings (the kernel's are in `KernelSettings`).
public struct VenueSettings: Sendable {
    /// The Kisum holding company that owns imported sleeping venues until a takeover.
    public static let defaultHoldingCompanyID = UUID(uuidString: "5ee1c0de-0000-4000-8000-000000000001")!

    /// Where contract documents and other files are stored by the local storage adapter.
    public var storageDirectory: String
    public var holdingCompanyID: UUID
    /// Which e-signature adapter sends contracts out.
    public var signature: SignatureSettings
    /// Where promoter event ids are checked; nil (no `PROMOTERS_BASE_URL`) refuses requests carrying one.
    public var promoters: PromoterDirectorySettings?
    /// Where deposits become income invoices; nil (no `FINANCE_BASE_URL`) keeps them waiting in the outbox.
    public var finance: CalleeSettings?
    /// Where the customer search asks Market (Base's party registry); nil (no `BASE_URL`) searches overlays only.
    public var base: CalleeSettings?
    /// Whether this process runs the relay that delivers deposits to Finance (tests drive it themselves).
    public var runsFinanceRelay = true
    /// Where notifications go. Not read from the environment: nil uses Platform Core's `PLATFORM_CORE_URL` /
    /// `PLATFORM_CORE_API_KEY`, which Venue needs for access anyway; tests set a fake.
    public var notifications: PlatformNotificationsClient?
    /// Whether this process runs the relay that delivers notifications to Platform Core (tests drive it themselves).
    public var runsNotificationRelay = true

    public init(storageDirectory: String = "./.data/storage/venue", holdingCompanyID: UUID = VenueSettings.defaultHoldingCompanyID,
                signature: SignatureSettings = .local, promoters: PromoterDirectorySettings? = nil, finance: CalleeSettings? = nil,
                base: CalleeSettings? = nil) {
        self.storageDirectory = storageDirectory
        self.holdingCompanyID = holdingCompanyID
        self.signature = signature
        self.promoters = promoters
        self.finance = finance
        self.base = base
    }

    /// `STORAGE_DIR` (default `./.data/storage/venue`), `VENUE_HOLDING_COMPANY_ID` (default
    /// `5ee1c0de-0000-4000-8000-000000000001`), `SIGNATURE_PROVIDER` (`local` | `adobe_sign`, default
    /// `local`) and, for `adobe_sign`, `ADOBE_SIGN_BASE_URL` and `ADOBE_SIGN_ACCESS_TOKEN`
    /// (`ADOBE_SIGN_TIMEOUT_SECONDS` optional, default 20); `PROMOTERS_BASE_URL` with `PROMOTERS_API_KEY`
    /// (`PROMOTERS_TIMEOUT_SECONDS` optional, default 3); `FINANCE_BASE_URL` with `FINANCE_API_KEY`
    /// (`FINANCE_TIMEOUT_SECONDS` optional, default 3); `BASE_URL` with `BASE_API_KEY` (`BASE_TIMEOUT_SECONDS` optional,
    /// default 3).
    public static func load(from env: inout EnvironmentReader) -> VenueSettings {
        let storage = env.string("STORAGE_DIR", default: "./.data/storage/venue")
        let holdingText = env.string("VENUE_HOLDING_COMPANY_ID", default: defaultHoldingCompanyID.uuidString.lowercased())
        let holding = UUID(uuidString: holdingText)
        if holding == nil {
            env.report("VENUE_HOLDING_COMPANY_ID must be a UUID, got \"\(holdingText)\"")
        }
        return VenueSettings(storageDirectory: storage, holdingCompanyID: holding ?? defaultHoldingCompanyID,
                             signature: SignatureSettings.load(from: &env), promoters: .promoters(from: &env),
                             finance: .finance(from: &env), base: .base(from: &env))
    }
}

/// The signature provider the service uses. `adobe_sign` without its settings stops the service at
/// start with every missing name listed, rather than failing on the first contract sent.
public enum SignatureSettings: Sendable, CustomStringConvertible {
    /// Records agreements in the database only (the spec's "live through local adapter").
    case local
    case adobeSign(AdobeSignSettings)

    static func load(from env: inout EnvironmentReader) -> SignatureSettings {
        let provider = env.oneOf("SIGNATURE_PROVIDER", ["local", "adobe_sign"], default: "local")
        let baseURL = env.url("ADOBE_SIGN_BASE_URL", required: false, hint: "Adobe Acrobat Sign API base URL")
        let accessToken = env.optional("ADOBE_SIGN_ACCESS_TOKEN")
        let timeout = env.int("ADOBE_SIGN_TIMEOUT_SECONDS", default: 20, range: 1...120)
        guard provider == "adobe_sign" else { return .local }
        // Named with "must be set", not "is required": these are needed only with SIGNATURE_PROVIDER=adobe_sign.
        if env.optional("ADOBE_SIGN_BASE_URL") == nil {
            env.report("ADOBE_SIGN_BASE_URL must be set when SIGNATURE_PROVIDER=adobe_sign (e.g. https://api.eu1.adobesign.com)")
        }
        if accessToken == nil {
            env.report("ADOBE_SIGN_ACCESS_TOKEN must be set when SIGNATURE_PROVIDER=adobe_sign (an integration key or OAuth access token)")
        }
        guard let baseURL, let accessToken else { return .local }
        return .adobeSign(AdobeSignSettings(baseURL: baseURL, accessToken: accessToken, timeout: .seconds(timeout)))
    }

    public var description: String {
        switch self {
        case .local: return "local"
        case .adobeSign(let settings): return "adobe_sign(\(settings))"
        }
    }
}

public struct AdobeSignSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var baseURL: String
    /// Never printed: `description` leaves it out, so the settings can be logged.
    public var accessToken: String
    public var timeout: Duration

    public init(baseURL: String, accessToken: String, timeout: Duration = .seconds(20)) {
        self.baseURL = baseURL
        self.accessToken = accessToken
        self.timeout = timeout
    }

    public var description: String { "baseURL: \(baseURL), accessToken: <redacted>" }
    public var debugDescription: String { description }
}
