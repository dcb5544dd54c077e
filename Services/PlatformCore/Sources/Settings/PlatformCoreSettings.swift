import Crypto
import Foundation
import KisumKernel

/// Platform Core's own configuration. `serve` reads it from the environment (`load(from:)`), listing
/// every missing or invalid value at once; tests build it directly.
public struct PlatformCoreSettings: Sendable {
    /// 32 bytes sealing the signing keys' private halves (and signup results) with AES-GCM.
    public var signingKeyEncryptionKey: [UInt8]
    public var accessTokenTTL: TimeInterval = 900
    public var refreshTokenTTL: TimeInterval = 30 * 86_400
    /// A spent refresh token presented again within this many seconds by the same client is treated as a
    /// parallel refresh (a second successor is issued) instead of theft.
    public var refreshReuseGrace: TimeInterval = 10
    /// Links in e-mails point here (the web app).
    public var publicAppURL: String = "http://localhost:8080"
    /// Where browsers reach Platform Core's API (avatar URLs); through the gateway by default.
    public var publicAPIURL: String = "http://localhost:8080/platform"
    public var trustedProxyCount: Int = 0
    public var storageDirectory: String = "./.data/storage/platform-core"
    public var avatarMaxBytes: Int = 2 * 1024 * 1024
    public var mail = MailSettings()
    public var stripe: StripeSettings?
    public var clerk: ClerkSettings?
    public var passwords = PasswordSettings()
    public var lockout = LockoutSettings()
    /// Login attempts per client address.
    public var loginRateLimit = RateLimitSettings(burst: 10, perMinute: 10)
    /// The other public routes that send e-mail or look things up (forgot-password, register, invite lookup).
    public var publicRateLimit = RateLimitSettings(burst: 5, perMinute: 5)
    public var activationTTL: TimeInterval = 3600
    public var passwordResetTTL: TimeInterval = 3600
    /// Reset links an administrator generates to share by hand live longer.
    public var adminPasswordResetTTL: TimeInterval = 86_400
    public var invitationTTL: TimeInterval = 7 * 86_400
    public var impersonationTTL: TimeInterval = 300
    /// How often an idle notification stream sends a heartbeat comment (keeps proxies from closing it).
    public var notificationHeartbeat: Duration = .seconds(15)
    /// Trial length of a new workspace's subscription (local and Stripe).
    public var trialDays: Int = 3
    // Activity exports and workspace data migrations (issue 11): background jobs in the database.
    /// How often the job worker looks for queued exports and migrations when idle.
    public var jobPollInterval: Duration = .seconds(1)
    /// A RUNNING job not finished within this lease is taken over by another worker (its process died).
    public var jobLease: Duration = .seconds(300)
    /// Bounds of one export: more rows or bytes fail the job (`export_too_large`) rather than cut it silently.
    public var activityExportMaxRows: Int = 100_000
    public var activityExportMaxBytes: Int = 32 * 1024 * 1024
    /// Lifetime of a signed download link (`…/download-url`).
    public var activityExportLinkTTL: TimeInterval = 300
    /// Finished export jobs (and their files) are deleted this long after they finished.
    public var activityExportRetention: TimeInterval = 7 * 86_400
    public var webhooks = WebhookSettings()
    /// Whether this process runs the database job worker and the webhook relay (always when serving; a test harness
    /// leaves them off unless its test needs them, so hundreds of harnesses do not poll the database every second).
    public var runsJobWorker = true
    public var runsWebhookRelay = true
    /// Company onboarding's website scrapes (SCRAPE_*; `ScrapeSettings` in Onboarding/).
    public var scrape = ScrapeSettings()

    /// Settings with a fresh random sealing key: for tests and tools. `serve` always loads the key from
    /// SIGNING_KEY_ENCRYPTION_KEY, so keys sealed by one process stay readable by the next.
    public init(signingKeyEncryptionKey: [UInt8] = PlatformCoreSettings.randomKey()) {
        self.signingKeyEncryptionKey = signingKeyEncryptionKey
    }

    public static func randomKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public var sealingKey: SymmetricKey { SymmetricKey(data: signingKeyEncryptionKey) }

    public struct MailSettings: Sendable {
        /// `smtp://user:password@host:587` or `smtps://…`; nil keeps e-mails in the outbox (local mode).
        public var smtpURL: String?
        public var from: String = "Kisum <no-reply@kisum.local>"
        /// `required` (STARTTLS must succeed), `opportunistic`, or `none` (plain; local relays and tests).
        public var tls: String = "required"
        public init(smtpURL: String? = nil, from: String = "Kisum <no-reply@kisum.local>", tls: String = "required") {
            self.smtpURL = smtpURL
            self.from = from
            self.tls = tls
        }
    }

    public struct StripeSettings: Sendable {
        public var apiURL: String
        public var secretKey: String
        /// The price a new workspace subscribes to.
        public var priceID: String
        // Billing & Subscription (issue 11).
        /// `whsec_…` of the webhook endpoint: without it Stripe events are refused (503 provider_not_configured).
        public var webhookSecret: String?
        /// How old a signed event may be (Stripe's default tolerance), against replays of captured requests.
        public var webhookTolerance: TimeInterval = 300
        /// Stripe price ids of the tiers, keyed `tier:period` (`pro:monthly`, `starter:one_time`); `pro:monthly`
        /// defaults to `priceID`.
        public var tierPrices: [String: String] = [:]
        public init(apiURL: String = "https://api.stripe.com", secretKey: String, priceID: String) {
            self.apiURL = apiURL
            self.secretKey = secretKey
            self.priceID = priceID
        }

        /// The price of a tier and period (`pro:monthly` falls back to the signup price).
        public func price(tier: String, period: String) -> String? {
            tierPrices["\(tier):\(period)"] ?? (tier == "pro" && period == "monthly" ? priceID : nil)
        }

        /// The tier and period a Stripe price id stands for.
        public func tier(ofPrice price: String) -> (tier: String, period: String)? {
            if let key = tierPrices.first(where: { $0.value == price })?.key {
                let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
                if parts.count == 2 { return (parts[0], parts[1]) }
            }
            return price == priceID ? ("pro", "monthly") : nil
        }
    }

    public struct ClerkSettings: Sendable {
        /// The value the frontend server sends in `X-Clerk-Secret`.
        public var sharedSecret: String
        /// Clerk's Backend API, used to confirm the user and their verified e-mail when a key is set.
        public var apiURL: String
        public var apiKey: String?
        public init(sharedSecret: String, apiURL: String = "https://api.clerk.com", apiKey: String? = nil) {
            self.sharedSecret = sharedSecret
            self.apiURL = apiURL
            self.apiKey = apiKey
        }
    }

    /// Argon2id cost (OWASP: m = 19 MiB, t = 2, p = 1) and the password policy.
    public struct PasswordSettings: Sendable {
        public var memoryKiB: UInt32 = 19_456
        public var iterations: UInt32 = 2
        public var parallelism: UInt32 = 1
        /// Threads hashing passwords; each holds `memoryKiB` while it works.
        public var threads: Int = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        /// Hash jobs allowed to wait for a thread; beyond that requests get 503 `busy` instead of queueing forever.
        public var maxQueued: Int = 64
        /// Nice value of the hashing threads (0 = as the rest of the process). Hashing is the one CPU-bound
        /// job here; at a lower priority a login storm takes the cores only when requests leave them idle.
        public var niceness: Int = 19
        public var minLength: Int = 8
        public var maxLength: Int = 128
        public init() {}
    }

    public struct LockoutSettings: Sendable {
        public var maxFailures: Int = 5
        public var duration: TimeInterval = 15 * 60
        public init(maxFailures: Int = 5, duration: TimeInterval = 15 * 60) {
            self.maxFailures = maxFailures
            self.duration = duration
        }
    }

    /// Webhook deliveries: `WEBHOOK_ALLOW_LOOPBACK` (development only: http:// to 127.0.0.1 / ::1 / localhost),
    /// `WEBHOOK_TIMEOUT_SECONDS` (one attempt, 1…30, default 10), `WEBHOOK_MAX_ATTEMPTS` (1…20, default 12: the relay's
    /// backoff doubles from 2 s to at most 10 minutes, about an hour in all).
    public struct WebhookSettings: Sendable {
        public var allowLoopback = false
        public var timeoutSeconds = 10
        public var maxAttempts = 12
        public init(allowLoopback: Bool = false, timeoutSeconds: Int = 10, maxAttempts: Int = 12) {
            self.allowLoopback = allowLoopback
            self.timeoutSeconds = timeoutSeconds
            self.maxAttempts = maxAttempts
        }
    }

    public struct RateLimitSettings: Sendable {
        public var burst: Int
        public var perMinute: Int
        public init(burst: Int, perMinute: Int) {
            self.burst = burst
            self.perMinute = perMinute
        }
    }
}

extension PlatformCoreSettings {
    /// Reads every setting, reporting problems into `env` (the service then lists them all and exits).
    public static func load(from env: inout EnvironmentReader) -> PlatformCoreSettings {
        var key: [UInt8] = []
        let rawKey = env.required("SIGNING_KEY_ENCRYPTION_KEY", hint: "32 random bytes in base64, e.g. `openssl rand -base64 32`")
        if !rawKey.isEmpty {
            if let data = Data(base64Encoded: rawKey), data.count == 32 {
                key = Array(data)
            } else {
                env.report("SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes encoded in base64")
            }
        }
        var settings = PlatformCoreSettings(signingKeyEncryptionKey: key.isEmpty ? randomKey() : key)
        settings.accessTokenTTL = TimeInterval(env.int("ACCESS_TOKEN_TTL_SECONDS", default: 900, range: 60...86_400))
        settings.refreshTokenTTL = TimeInterval(env.int("REFRESH_TOKEN_TTL_DAYS", default: 30, range: 1...365) * 86_400)
        settings.refreshReuseGrace = TimeInterval(env.int("REFRESH_REUSE_GRACE_SECONDS", default: 10, range: 0...60))
        settings.publicAppURL = env.url("PUBLIC_APP_URL", required: false, hint: "web app URL used in e-mail links")
            .map(trimSlash) ?? settings.publicAppURL
        settings.publicAPIURL = env.url("PUBLIC_API_URL", required: false, hint: "where browsers reach Platform Core")
            .map(trimSlash) ?? settings.publicAPIURL
        settings.trustedProxyCount = env.int("TRUSTED_PROXY_COUNT", default: 0, range: 0...10)
        settings.storageDirectory = env.string("STORAGE_DIR", default: settings.storageDirectory)
        settings.avatarMaxBytes = env.int("AVATAR_MAX_BYTES", default: settings.avatarMaxBytes, range: 1024...(10 * 1024 * 1024))
        settings.trialDays = env.int("TRIAL_DAYS", default: 3, range: 0...90)
        settings.webhooks = WebhookSettings(allowLoopback: env.bool("WEBHOOK_ALLOW_LOOPBACK", default: false),
                                            timeoutSeconds: env.int("WEBHOOK_TIMEOUT_SECONDS", default: 10, range: 1...30),
                                            maxAttempts: env.int("WEBHOOK_MAX_ATTEMPTS", default: 12, range: 1...20))

        if let smtp = env.optional("SMTP_URL") {
            if let url = URL(string: smtp), ["smtp", "smtps"].contains(url.scheme ?? ""), url.host != nil {
                settings.mail.smtpURL = smtp
            } else {
                env.report("SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
            }
        }
        settings.mail.from = env.string("MAIL_FROM", default: settings.mail.from)
        if settings.mail.from.contains(where: { $0 == "\r" || $0 == "\n" }) || !settings.mail.from.contains("@") {
            env.report("MAIL_FROM must be one address, e.g. Kisum <no-reply@example.com>")
        }
        settings.mail.tls = env.oneOf("SMTP_TLS", ["required", "opportunistic", "none"], default: "required")

        if let secret = env.optional("STRIPE_SECRET_KEY") {
            let price = env.required("STRIPE_PRICE_ID", hint: "the Stripe price new workspaces subscribe to (set with STRIPE_SECRET_KEY)")
            let api = env.url("STRIPE_API_URL", required: false, hint: "Stripe API base URL") ?? "https://api.stripe.com"
            settings.stripe = StripeSettings(apiURL: trimSlash(api), secretKey: secret, priceID: price)
            settings.stripe?.webhookSecret = env.optional("STRIPE_WEBHOOK_SECRET")
            settings.stripe?.webhookTolerance = TimeInterval(env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default: 300, range: 30...3600))
            // "starter:monthly=price_a,pro:yearly=price_b": the tiers' Stripe prices.
            for pair in (env.optional("STRIPE_TIER_PRICES") ?? "").split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].split(separator: ":").count == 2, !parts[1].isEmpty else {
                    env.report("STRIPE_TIER_PRICES must look like starter:monthly=price_a,pro:yearly=price_b")
                    continue
                }
                settings.stripe?.tierPrices[parts[0]] = parts[1]
            }
        }
        if let clerk = env.optional("CLERK_SECRET") {
            if clerk.utf8.count < 16 { env.report("CLERK_SECRET must be at least 16 characters") }
            let api = env.url("CLERK_API_URL", required: false, hint: "Clerk Backend API base URL") ?? "https://api.clerk.com"
            settings.clerk = ClerkSettings(sharedSecret: clerk, apiURL: trimSlash(api), apiKey: env.optional("CLERK_API_KEY"))
        }

        settings.lockout.maxFailures = env.int("LOGIN_LOCKOUT_FAILURES", default: 5, range: 1...100)
        settings.lockout.duration = TimeInterval(env.int("LOGIN_LOCKOUT_MINUTES", default: 15, range: 1...1440) * 60)
        settings.loginRateLimit = RateLimitSettings(
            burst: env.int("LOGIN_RATE_LIMIT_BURST", default: 10, range: 1...10_000),
            perMinute: env.int("LOGIN_RATE_LIMIT_PER_MINUTE", default: 10, range: 1...10_000))
        settings.publicRateLimit = RateLimitSettings(
            burst: env.int("PUBLIC_RATE_LIMIT_BURST", default: 5, range: 1...10_000),
            perMinute: env.int("PUBLIC_RATE_LIMIT_PER_MINUTE", default: 5, range: 1...10_000))
        settings.passwords.threads = env.int("PASSWORD_HASH_THREADS", default: settings.passwords.threads, range: 1...64)
        settings.passwords.niceness = env.int("PASSWORD_HASH_NICE", default: settings.passwords.niceness, range: 0...19)
        // Onboarding website scrapes: loopback only for development (a page served on this machine).
        settings.scrape.allowLoopback = env.bool("SCRAPE_ALLOW_LOOPBACK", default: false)
        settings.scrape.timeout = .seconds(env.int("SCRAPE_TIMEOUT_SECONDS", default: 10, range: 1...60))
        settings.scrape.maxBytes = env.int("SCRAPE_MAX_BYTES", default: settings.scrape.maxBytes, range: 65_536...(10 * 1024 * 1024))
        return settings
    }

    static func trimSlash(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
