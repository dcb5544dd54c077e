import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KisumKernel
import KisumTesting

/// A small application assembled from the kernel's parts the way services assemble theirs.
enum KernelTestApp {
    struct Echo: ResponseEncodable {
        var userID: UUID?
        var companyID: UUID?
        var role: String?
    }

    struct Widget: ValidatableBody, ResponseEncodable {
        var name: String?
        var size: Int?

        func validate(_ v: inout Validator) {
            v.text(name, "name", maxLength: 10)
            v.range(size, "size", 1...5)
        }
    }

    struct Boom: Error {}

    static func make(
        verifier: AccessTokenVerifier,
        resolver: any EffectiveAccessResolver,
        apiKeys: (any APIKeyVerifier)? = nil,
        internalKeys: [String] = TestDefaults.internalKeys
    ) -> some ApplicationProtocol {
        let router = Router<ServiceRequestContext>.kisum()
        router.addKernelRoutes(service: "kernel-test", contract: "openapi: 3.1.0\n") {}
        router.get("/boom") { _, _ -> String in throw Boom() }
        router.post("/widgets") { request, context -> Widget in
            try await request.decodeValid(as: Widget.self, context: context)
        }
        router.get("/echo/{word}") { request, context -> String in
            var query = QueryReader(request)
            let text = query.search() ?? ""
            try query.validate()
            return "\(context.parameters.get("word") ?? "")|\(text)"
        }
        router.get("/echo/fixed") { _, _ in "fixed" }
        router.patch("/echo/{word}") { _, _ in "patched" }
        router.post("/upload") { request, _ -> String in
            let body = try await request.body.collect(upTo: 1 << 20)
            guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(inContentType:)) else {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "multipart/form-data only")
            }
            let form = try MultipartForm(Array(body.readableBytesView), boundary: boundary)
            return form.parts.map { "\($0.name ?? "-"):\($0.body.count)" }.joined(separator: ",")
        }
        router.get("/page") { request, _ -> Page<Int> in
            var query = QueryReader(request)
            let page = query.page()
            try query.validate()
            return Page(items: Array(page.offset..<(page.offset + 2)), total: 1000, request: page)
        }
        router.group("/me")
            .add(middleware: AuthMiddleware<ServiceRequestContext>(verifier: verifier))
            .get { _, context in Echo(userID: try context.requireIdentity().userID) }
        router.group("/tenant")
            .add(middleware: AuthMiddleware<ServiceRequestContext>(verifier: verifier))
            .add(middleware: TenantMiddleware<ServiceRequestContext>())
            .get { _, context in Echo(userID: context.kisum.identity?.userID, companyID: context.kisum.companyID) }
        router.group("/api/things")
            .add(middleware: AuthMiddleware<ServiceRequestContext>(verifier: verifier, apiKeys: apiKeys))
            .add(middleware: TenantMiddleware<ServiceRequestContext>())
            .add(middleware: AccessMiddleware<ServiceRequestContext>(resolver: resolver, module: "venue"))
            .get { _, context in
                let scope = try context.tenant(permission: "venue.things.read")
                return Echo(userID: scope.userID, companyID: scope.companyID, role: context.kisum.access?.role)
            }
            .get("staff") { _, context -> String in
                try context.requireStaff()
                return "staff"
            }
        router.group("/internal")
            .add(middleware: InternalKeyMiddleware<ServiceRequestContext>(keys: internalKeys))
            .get("ping") { _, context in context.kisum.internalCaller ? "internal" : "public" }
        router.add(middleware: MethodNotAllowedMiddleware<ServiceRequestContext>(routes: router.routes))
        return Application(router: router)
    }
}
