import Foundation
import KisumKernel
import PlatformCore
import Testing

@Suite("Platform Core settings")
struct SettingsTests {
    @Test func everyProblemIsListedAtOnce() {
        var env = EnvironmentReader([
            "SIGNING_KEY_ENCRYPTION_KEY": "dG9vIHNob3J0",
            "STRIPE_SECRET_KEY": "sk_test_x",
            "SMTP_URL": "http://not-smtp",
            "ACCESS_TOKEN_TTL_SECONDS": "5",
            "CLERK_SECRET": "short",
        ])
        _ = PlatformCoreSettings.load(from: &env)
        let problems = env.problems.joined(separator: "\n")
        #expect(problems.contains("SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes"))
        #expect(problems.contains("STRIPE_PRICE_ID is required"))
        #expect(problems.contains("SMTP_URL must look like"))
        #expect(problems.contains("ACCESS_TOKEN_TTL_SECONDS"))
        #expect(problems.contains("CLERK_SECRET must be at least 16"))

        var missing = EnvironmentReader([:])
        _ = PlatformCoreSettings.load(from: &missing)
        #expect(missing.problems.contains { $0.hasPrefix("SIGNING_KEY_ENCRYPTION_KEY is required") })
    }

    @Test func defaultsAndAValidConfiguration() throws {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        var env = EnvironmentReader([
            "SIGNING_KEY_ENCRYPTION_KEY": key,
            "PUBLIC_APP_URL": "https://app.kisum.io/",
            "SMTP_URL": "smtps://mailer:secret@smtp.example.com:465",
            "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_PRICE_ID": "price_1",
            "TRUSTED_PROXY_COUNT": "1",
        ])
        let settings = PlatformCoreSettings.load(from: &env)
        try env.validate(service: "platform-core")
        #expect(settings.signingKeyEncryptionKey == (0..<32).map { UInt8($0) })
        #expect(settings.accessTokenTTL == 900)
        #expect(settings.refreshTokenTTL == 30 * 86_400)
        #expect(settings.publicAppURL == "https://app.kisum.io")
        #expect(settings.mail.smtpURL != nil)
        #expect(settings.mail.tls == "required")
        #expect(settings.stripe?.priceID == "price_1")
        #expect(settings.stripe?.apiURL == "https://api.stripe.com")
        #expect(settings.clerk == nil)
        #expect(settings.trustedProxyCount == 1)
        #expect(settings.storageDirectory == "./.data/storage/platform-core")
        #expect(settings.passwords.memoryKiB == 19_456 && settings.passwords.iterations == 2 && settings.passwords.parallelism == 1)
        #expect(settings.publicRateLimit.burst == 5 && settings.publicRateLimit.perMinute == 5)
    }

    /// The public-route limit is configurable like the login one (a local fuzz run signs up many users).
    @Test func thePublicRateLimitIsConfigurable() throws {
        var env = EnvironmentReader([
            "SIGNING_KEY_ENCRYPTION_KEY": Data((0..<32).map { UInt8($0) }).base64EncodedString(),
            "PUBLIC_RATE_LIMIT_BURST": "100", "PUBLIC_RATE_LIMIT_PER_MINUTE": "600",
        ])
        let settings = PlatformCoreSettings.load(from: &env)
        try env.validate(service: "platform-core")
        #expect(settings.publicRateLimit.burst == 100 && settings.publicRateLimit.perMinute == 600)
    }
}
