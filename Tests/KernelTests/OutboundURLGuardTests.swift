import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient
import KisumTesting
import NIOConcurrencyHelpers
import Testing

/// A resolver that answers what the test says, as a hostile DNS server could.
struct ScriptedResolver: HostResolver {
    let answers: [String: [String]]

    func addresses(of host: String) async throws -> [String] {
        guard let answer = answers[host] else { throw SystemHostResolver.Failure() }
        return answer
    }
}

/// The outbound URL guard (issue 14, News: "private addresses refused"; reused for webhooks): URLs someone else chose
/// never reach our own network, and the address checked is the address connected to.
@Suite("Outbound URL guard")
struct OutboundURLGuardTests {
    static let refused = [
        "0.0.0.0", "10.0.0.1", "100.64.0.1", "100.100.100.200", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255",
        "192.0.0.8", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1",
        "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:0a00:0001::1",
        "2001:0:4136:e378::1", "2001:db8::1", "100::1", "fc00::1", "fd00:ec2::254", "fe80::1", "fec0::1", "ff02::1", "4000::1",
    ]
    static let allowed = ["1.1.1.1", "8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:1.1.1.1",
                          "64:ff9b::808:808", "2002:0808:0808::1"]

    @Test func classifiesAddresses() async throws {
        let resolver = ScriptedResolver(answers: Dictionary(uniqueKeysWithValues: (Self.refused + Self.allowed).enumerated().map { ("h\($0.offset).test", [$0.element]) }))
        let urlGuard = OutboundURLGuard(resolver: resolver)
        for (index, address) in (Self.refused + Self.allowed).enumerated() {
            let expectRefused = index < Self.refused.count
            do {
                let checked = try await urlGuard.check("https://h\(index).test/feed")
                #expect(!expectRefused, "\(address) should be refused")
                #expect(checked.port == 443)
            } catch {
                #expect(expectRefused, "\(address) should pass: \(error)")
                #expect(error.reason == .forbiddenAddress(address) || address.contains(":"), "\(error)")
            }
        }
        // Literal addresses are checked the same way, without DNS.
        await #expect(throws: OutboundURLRefusal.self) { try await urlGuard.check("http://[::ffff:169.254.169.254]/") }
        await #expect(throws: OutboundURLRefusal.self) { try await urlGuard.check("http://2130706433/") }
        #expect(try await urlGuard.check("http://8.8.8.8:8080/x").address == "8.8.8.8")
    }

    @Test func refusesSchemesUserInfoAndOddHosts() async throws {
        let urlGuard = OutboundURLGuard(resolver: ScriptedResolver(answers: ["feeds.example": ["93.184.216.34"]]))
        for url in ["ftp://feeds.example/", "file:///etc/passwd", "gopher://feeds.example/", "https://user:pw@feeds.example/",
                    "https://user@feeds.example/", "http://feeds.example./", "http://feeds..example/", "http://fe%65ds.example/",
                    "http://feeds.example\\@127.0.0.1/", "http:///nohost", "not a url", "http://[fe80::1%25eth0]/", "http://unknown.example/"] {
            await #expect(throws: OutboundURLRefusal.self, "\(url)") { try await urlGuard.check(url) }
        }
        let ok = try await urlGuard.check("HTTPS://Feeds.Example/@someone/feed?x=1")
        #expect(ok.host == "feeds.example")
        #expect(ok.address == "93.184.216.34")
    }

    @Test func everyAnswerMustBePublicAndLoopbackIsTheOnlyException() async throws {
        let resolver = ScriptedResolver(answers: ["mixed.example": ["93.184.216.34", "10.0.0.5"], "local.example": ["127.0.0.1", "::1"],
                                                  "lan.example": ["192.168.0.10"]])
        let strict = OutboundURLGuard(resolver: resolver)
        let lenient = OutboundURLGuard(allowLoopback: true, resolver: resolver)
        do {
            _ = try await lenient.check("http://mixed.example/")
            Issue.record("one private answer among public ones passed")
        } catch {
            #expect(error == OutboundURLRefusal(url: "http://mixed.example/", reason: .forbiddenAddress("10.0.0.5")))
        }
        await #expect(throws: OutboundURLRefusal.self) { try await strict.check("http://local.example/") }
        #expect(try await lenient.check("http://local.example/").address == "127.0.0.1", "IPv4 preferred")
        await #expect(throws: OutboundURLRefusal.self) { try await lenient.check("http://lan.example/") }
    }

    /// The pinned address is the one connected to: a name that resolves (in the guard) to the test server's address
    /// reaches it without any DNS, and a request whose pin disagrees with where curl would go is not sent.
    @Test func thePinDecidesWhereTheRequestGoes() async throws {
        let hits = HitCounter()
        try await withRunningApplication({ onRunning in
            let router = Router()
            router.get("/feed") { _, _ -> String in
                hits.hit()
                return String(repeating: "x", count: 4096)
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                               onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
        }) { port async throws in
            let urlGuard = OutboundURLGuard(allowLoopback: true, resolver: ScriptedResolver(answers: ["feeds.rebind.test": ["127.0.0.1"]]))
            let pinned = try await urlGuard.pin(OutboundRequest(method: "GET", url: "http://feeds.rebind.test:\(port)/feed"))
            #expect(pinned.resolve == ResolvePin(host: "feeds.rebind.test", port: port, address: "127.0.0.1"))
            let response = try await CurlTransport.shared.send(pinned)
            #expect(response.status == 200)
            #expect(hits.count == 1)

            // curl resolves localhost itself (the pin names another host), finds 127.0.0.1 and must not connect there.
            var elsewhere = OutboundRequest(method: "GET", url: "http://localhost:\(port)/feed")
            elsewhere.resolve = ResolvePin(host: "other.test", port: port, address: "127.0.0.2")
            await #expect(throws: ServiceClientError.self) { try await CurlTransport.shared.send(elsewhere) }
            #expect(hits.count == 1, "curl never connected to an address the pin does not name")

            var limited = OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/feed")
            limited.maxResponseBytes = 1000
            do {
                _ = try await CurlTransport.shared.send(limited)
                Issue.record("a 4 KiB answer passed a 1000-byte limit")
            } catch let error as ResponseTooLargeError {
                #expect(error.limit == 1000)
                #expect(error.description.contains("larger than 1000 bytes"))
            }
        }
    }
}

final class HitCounter: Sendable {
    private let box = NIOLockedValueBox(0)
    func hit() { box.withLockedValue { $0 += 1 } }
    var count: Int { box.withLockedValue { $0 } }
}
