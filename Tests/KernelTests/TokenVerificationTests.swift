import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Testing

@Suite("Access-token verification")
struct TokenVerificationTests {
    let keys = TestKeys()
    let user = UUID()

    func check(_ token: String?) async throws -> (HTTPResponse.Status, String?) {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        return try await app.test(.router) { client in
            let response = try await APITestClient(client, token: token).get("/me")
            return (response.status, response.errorCode)
        }
    }

    @Test func validTokenIsAccepted() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            let response = try await APITestClient(client, token: keys.token(userID: user)).get("/me")
            #expect(response.status == .ok)
            #expect(response.json["userID"]?.uuid == user)
        }
    }

    @Test func missingTokenIsUnauthenticated() async throws {
        let (status, code) = try await check(nil)
        #expect(status == .unauthorized)
        #expect(code == "unauthenticated")
    }

    @Test func algNoneIsRejected() async throws {
        let header = Base64URL.encode(Data(#"{"alg":"none","kid":"test-key-1"}"#.utf8))
        let valid = keys.token(userID: user).split(separator: ".")
        let (status, code) = try await check("\(header).\(valid[1]).")
        #expect(status == .unauthorized)
        #expect(code == "token_malformed" || code == "token_algorithm_not_allowed")
        let (status2, code2) = try await check("\(header).\(valid[1]).\(valid[2])")
        #expect(status2 == .unauthorized)
        #expect(code2 == "token_algorithm_not_allowed")
    }

    @Test func hs256SignedWithThePublicKeyIsRejected() async throws {
        // The classic algorithm-confusion attack: HMAC keyed with the verifier's public key.
        let header = Base64URL.encode(Data(#"{"alg":"HS256","kid":"test-key-1","typ":"JWT"}"#.utf8))
        let payload = keys.token(userID: user).split(separator: ".")[1]
        let input = "\(header).\(payload)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: keys.privateKey.publicKey.derRepresentation))
        let (status, code) = try await check("\(input).\(Base64URL.encode(Data(mac)))")
        #expect(status == .unauthorized)
        #expect(code == "token_algorithm_not_allowed")
    }

    @Test func tokenSignedWithAnotherKeyUnderTheSameKidIsRejected() async throws {
        let impostor = TestKeys(kid: keys.kid)
        let (status, code) = try await check(impostor.token(userID: user))
        #expect(status == .unauthorized)
        #expect(code == "token_signature_invalid")
    }

    @Test func unknownKidIsRejected() async throws {
        let other = TestKeys(kid: "someone-elses-key")
        let (status, code) = try await check(other.token(userID: user))
        #expect(status == .unauthorized)
        #expect(code == "token_key_unknown")
    }

    @Test func expiredTokenIsRejected() async throws {
        let (status, code) = try await check(keys.token(userID: user, lifetime: -120))
        #expect(status == .unauthorized)
        #expect(code == "token_expired")
    }

    @Test func notYetValidTokenIsRejected() async throws {
        let (status, code) = try await check(keys.token(userID: user, lifetime: 3600, notBefore: Date().addingTimeInterval(600)))
        #expect(status == .unauthorized)
        #expect(code == "token_not_yet_valid")
    }

    @Test func wrongIssuerIsRejected() async throws {
        let (status, code) = try await check(keys.token(userID: user, issuer: "https://evil.example"))
        #expect(status == .unauthorized)
        #expect(code == "token_issuer_invalid")
    }

    @Test func wrongAudienceIsRejected() async throws {
        let (status, code) = try await check(keys.token(userID: user, audience: "some-other-api"))
        #expect(status == .unauthorized)
        #expect(code == "token_audience_invalid")
    }

    @Test func refreshOrOtherTokenTypeIsRejected() async throws {
        let (status, code) = try await check(keys.token(userID: user, type: "refresh"))
        #expect(status == .unauthorized)
        #expect(code == "token_type_invalid")
    }

    @Test func garbageIsMalformed() async throws {
        for token in ["abc", "a.b.c", "....", "eyJhbGciOiJFUzI1NiJ9.e30"] {
            let (status, code) = try await check(token)
            #expect(status == .unauthorized)
            #expect(code == "token_malformed" || code == "token_key_unknown", "token \(token) gave \(code ?? "nil")")
        }
    }

    @Test func unauthenticatedResponsesAdvertiseBearer() async throws {
        let app = KernelTestApp.make(verifier: keys.verifier, resolver: TestAccessResolver())
        try await app.test(.router) { client in
            let response = try await APITestClient(client).get("/me")
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
        }
    }
}
