import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a path that exists under other methods into 405 `method_not_allowed`
/// with an `Allow` header (RFC 9110 §15.5.6), so a client that used the wrong verb is told so rather
/// than that the resource is missing. Hummingbird's trie answers both cases with the same 404.
///
/// Added by `ServiceRuntime.makeApplication` after every route is registered: Hummingbird wraps its
/// not-found responder in all router-level middleware, so this sees exactly the requests no route took.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [(path: RouterPath, methods: [HTTPRequest.Method])]

    public init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].methods.append(route.method)
        }
        self.routes = byPath.values.map { ($0.path, $0.methods) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods(matching: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var names = allowed.map(\.rawValue)
            if allowed.contains(.get), !allowed.contains(.head) { names.append("HEAD") }
            let allow = Set(names).sorted().joined(separator: ", ")
            throw APIError(.methodNotAllowed, code: "method_not_allowed",
                           message: "\(request.method.rawValue) is not allowed here; allowed: \(allow).",
                           headers: [.allow: allow])
        }
    }

    /// The methods of the route the router would have chosen for `path`. Like Hummingbird's trie, a fixed
    /// segment wins over a parameter at the same position (`/venues/sleeping` is not `/venues/{id}`).
    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var candidates = routes.filter { Self.matches($0.path.components, segments) }
        for (index, segment) in segments.enumerated() {
            let fixed = candidates.filter { index < $0.path.components.count && $0.path.components[index] == segment }
            if !fixed.isEmpty { candidates = fixed }
        }
        return candidates.flatMap(\.methods)
    }

    static func matches(_ components: [RouterPath.Element], _ segments: [Substring]) -> Bool {
        for (index, component) in components.enumerated() {
            if component.description == "**" { return true } // a recursive wildcard takes the rest
            guard index < segments.count, component ~= segments[index] else { return false }
        }
        return components.count == segments.count
    }
}
