import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a URL that someone other than us chose (a news feed, a webhook) before the server fetches it, so the fetch
/// cannot reach our own network: only `http`/`https`, no user-info, and every address the host resolves to must be a
/// public one — loopback, private, link-local, unique-local, multicast, unspecified, CGNAT, documentation, benchmark
/// and reserved ranges are refused, IPv4 and IPv6, IPv4-mapped, -compatible, NAT64 and 6to4 forms included (the cloud
/// metadata endpoints 169.254.169.254 and fd00:ec2::254 fall in link-local and unique-local).
///
/// `pin(_:)` then fixes the checked address on the request (`OutboundRequest.resolve`): the transport connects to that
/// address only, so a second DNS answer (rebinding) cannot send the request elsewhere. Resolution runs on a thread
/// pool, never an event loop. `allowLoopback` (development and tests only) admits 127.0.0.0/8 and ::1, nothing else.
public struct OutboundURLGuard: Sendable {
    public var allowLoopback: Bool
    public var resolver: any HostResolver

    public init(allowLoopback: Bool = false, resolver: any HostResolver = SystemHostResolver()) {
        self.allowLoopback = allowLoopback
        self.resolver = resolver
    }

    /// The URL's parts and the address a request to it must use, or `OutboundURLRefusal`.
    public func check(_ url: String) async throws(OutboundURLRefusal) -> CheckedURL {
        let target = try Self.parse(url)
        let addresses: [IPAddress]
        if let literal = IPAddress(target.host) {
            addresses = [literal]
        } else {
            let texts: [String]
            do {
                texts = try await resolver.addresses(of: target.host)
            } catch {
                throw OutboundURLRefusal(url: url, reason: .unresolvable)
            }
            addresses = texts.compactMap(IPAddress.init)
            guard !addresses.isEmpty, addresses.count == texts.count else { throw OutboundURLRefusal(url: url, reason: .unresolvable) }
        }
        // Every address must pass: which one the connection would use is not ours to predict.
        for address in addresses where !address.isPublic(allowLoopback: allowLoopback) {
            throw OutboundURLRefusal(url: url, reason: .forbiddenAddress(address.text))
        }
        // IPv4 first: a host with both records is reachable over it from more networks.
        guard let chosen = addresses.first(where: { $0.bytes.count == 4 }) ?? addresses.first else {
            throw OutboundURLRefusal(url: url, reason: .unresolvable)
        }
        return CheckedURL(url: url, scheme: target.scheme, host: target.host, port: target.port, address: chosen.text)
    }

    /// `request` checked and pinned to the checked address.
    public func pin(_ request: OutboundRequest) async throws(OutboundURLRefusal) -> OutboundRequest {
        let checked = try await check(request.url)
        var pinned = request
        pinned.resolve = ResolvePin(host: checked.host, port: checked.port, address: checked.address)
        return pinned
    }

    /// Scheme, host (lower case, brackets of an IPv6 literal removed) and port (the scheme's default when absent).
    static func parse(_ url: String) throws(OutboundURLRefusal) -> (scheme: String, host: String, port: Int) {
        guard url.utf8.count <= 2000, url.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }),
              let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw OutboundURLRefusal(url: url, reason: .malformed)
        }
        guard scheme == "http" || scheme == "https" else { throw OutboundURLRefusal(url: url, reason: .scheme(scheme)) }
        guard components.percentEncodedUser == nil, components.percentEncodedPassword == nil, !authority(of: url).contains("@") else {
            throw OutboundURLRefusal(url: url, reason: .userInfo)
        }
        guard var host = components.percentEncodedHost?.lowercased(), !host.isEmpty else { throw OutboundURLRefusal(url: url, reason: .malformed) }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // Plain names only (no percent-encoding, zone ids, empty labels or a trailing dot), so the name curl connects
        // for is the name checked here.
        let nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        let isIPv6 = host.contains(":")
        let valid = isIPv6 ? IPAddress(host) != nil
            : host.allSatisfy(nameCharacters.contains) && !host.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        guard valid else { throw OutboundURLRefusal(url: url, reason: .malformed) }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw OutboundURLRefusal(url: url, reason: .malformed) }
        return (scheme, host, port)
    }
}

/// The text between `scheme://` and the path, query or fragment: where user-info would be, however a parser reads it.
private func authority(of url: String) -> Substring {
    guard let start = url.range(of: "://")?.upperBound else { return url[...] }
    let rest = url[start...]
    return rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
}

/// A URL `OutboundURLGuard` let through, with the address checked for it.
public struct CheckedURL: Sendable, Equatable {
    public var url: String
    public var scheme: String
    public var host: String
    public var port: Int
    public var address: String
}

/// Why a URL may not be fetched.
public struct OutboundURLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case malformed
        case scheme(String)
        case userInfo
        case unresolvable
        /// The host is, or resolves to, an address of a refused range.
        case forbiddenAddress(String)
    }

    public var url: String
    public var reason: Reason

    public init(url: String, reason: Reason) {
        self.url = url
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .malformed: "refused \(url): not a plain http(s) URL"
        case .scheme(let scheme): "refused \(url): scheme \(scheme) is not http or https"
        case .userInfo: "refused \(url): credentials in the URL"
        case .unresolvable: "refused \(url): the host does not resolve"
        case .forbiddenAddress(let address): "refused \(url): \(address) is not a public address"
        }
    }
}

/// Name resolution, replaceable in tests (a resolver that answers a private address for a public-looking name).
public protocol HostResolver: Sendable {
    /// The numeric addresses `host` resolves to.
    func addresses(of host: String) async throws -> [String]
}

/// `getaddrinfo` on NIO's shared thread pool (it blocks).
public struct SystemHostResolver: HostResolver {
    public init() {}

    public struct Failure: Error {
        public init() {}
    }

    public func addresses(of host: String) async throws -> [String] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
            #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #endif
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { throw Failure() }
            defer { freeaddrinfo(first) }
            var texts: [String] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let text = IPAddress.text(of: entry.pointee.ai_addr, family: entry.pointee.ai_family), !texts.contains(text) {
                    texts.append(text)
                }
                cursor = entry.pointee.ai_next
            }
            return texts
        }
    }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address and the ranges the guard refuses.
struct IPAddress: Sendable, Equatable {
    let bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func text(of address: UnsafeMutablePointer<sockaddr>?, family: Int32) -> String? {
        guard let address else { return nil }
        switch family {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                var value = pointer.pointee.sin_addr
                return IPAddress(bytes: withUnsafeBytes(of: &value) { Array($0) }).text
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                var value = pointer.pointee.sin6_addr
                return IPAddress(bytes: withUnsafeBytes(of: &value) { Array($0) }).text
            }
        default:
            return nil
        }
    }

    func isPublic(allowLoopback: Bool) -> Bool {
        bytes.count == 4 ? Self.isPublicV4(bytes, allowLoopback: allowLoopback) : isPublicV6(allowLoopback: allowLoopback)
    }

    static func isPublicV4(_ b: [UInt8], allowLoopback: Bool) -> Bool {
        guard b.count == 4 else { return false }
        let (a, c) = (b[0], b[1])
        if a == 127 { return allowLoopback }
        if a == 0 || a == 10 || a >= 224 { return false }  // this network, private, multicast, reserved, broadcast
        if a == 100 && (c & 0xC0) == 64 { return false }  // 100.64.0.0/10 CGNAT (and Alibaba's metadata 100.100.100.200)
        if a == 169 && c == 254 { return false }  // link-local, cloud metadata 169.254.169.254
        if a == 172 && (c & 0xF0) == 16 { return false }  // 172.16.0.0/12
        if a == 192 && c == 168 { return false }
        if a == 192 && c == 0 && (b[2] == 0 || b[2] == 2) { return false }  // IETF assignments, TEST-NET-1
        if a == 198 && (c & 0xFE) == 18 { return false }  // benchmarking 198.18.0.0/15
        if a == 198 && c == 51 && b[2] == 100 { return false }  // TEST-NET-2
        if a == 203 && c == 0 && b[2] == 113 { return false }  // TEST-NET-3
        return true
    }

    func isPublicV6(allowLoopback: Bool) -> Bool {
        let b = bytes
        guard b.count == 16 else { return false }
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0 && b[11] == 0 && b[12...].allSatisfy({ $0 == 0 }) { return false }  // ::
        if firstTen && b[10] == 0 && b[11] == 0 && b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return allowLoopback }  // ::1
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: the IPv4 address decides.
        if firstTen && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)) {
            return Self.isPublicV4(Array(b[12..<16]), allowLoopback: allowLoopback)
        }
        // NAT64 64:ff9b::/96 and 64:ff9b:1::/48 carry an IPv4 address in the last four bytes.
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B {
            return Self.isPublicV4(Array(b[12..<16]), allowLoopback: false)
        }
        // 6to4 2002::/16 carries one in bytes 2–5.
        if b[0] == 0x20 && b[1] == 0x02 { return Self.isPublicV4(Array(b[2..<6]), allowLoopback: false) }
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00 { return false }  // Teredo 2001::/32
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation 2001:db8::/32
        if b[0] == 0x01 && b[1] == 0x00 && b[2..<8].allSatisfy({ $0 == 0 }) { return false }  // discard 100::/64
        if (b[0] & 0xFE) == 0xFC { return false }  // unique-local fc00::/7 (AWS metadata fd00:ec2::254)
        if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return false }  // link-local fe80::/10
        if b[0] == 0xFE && (b[1] & 0xC0) == 0xC0 { return false }  // site-local fec0::/10 (deprecated)
        if b[0] == 0xFF { return false }  // multicast
        // Only global unicast (2000::/3) is public; everything else is reserved.
        return (b[0] & 0xE0) == 0x20
    }
}
