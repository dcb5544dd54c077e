import Foundation
import HTTPTypes
import Hummingbird
import KisumKernel

/// A company record's logo and business settings (registered in `CompaniesRoutes.addRoutes`).
extension CompaniesRoutes {
    /// Logos are small pictures shown next to a name: 1 MiB is plenty and keeps them in the database.
    static let logoMaxBytes = 1024 * 1024

    /// `POST /api/companies/{id}/logo`: multipart/form-data, the image in field `file`. The type is what the bytes
    /// are (PNG, JPEG or WebP), never the declared Content-Type or the file name: anything else is 422
    /// `unsupported_media_type` (the request was fine, its file is not), a non-multipart body 415.
    @Sendable func uploadLogo(_ request: Request, context: Context) async throws -> Company {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let id = try context.parameters.uuid("id", what: "company")
        let file = try await MultipartForm.uploadedFile(of: request, field: "file", limit: Self.logoMaxBytes, what: "logo")
        guard !file.isEmpty, let type = ImageType.sniff(file) else {
            throw APIError(.unprocessableContent, code: "unsupported_media_type", message: "Upload a PNG, JPEG or WebP image.",
                           details: [FieldIssue(field: "file", code: "unsupported_media_type", message: "Upload a PNG, JPEG or WebP image.")])
        }
        return try await details.storeLogo(companyID: scope.companyID, id: id, userID: scope.userID, bytes: file,
                                           contentType: type.contentType).orNotFound("company")
    }

    /// `GET /api/companies/{id}/logo`: the stored bytes with their type and an ETag (the SHA-256 of the bytes);
    /// 304 when `If-None-Match` names it (then the bytes are not even read). Private to the tenant, so shared
    /// caches keep out and browsers revalidate.
    @Sendable func logo(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        let id = try context.parameters.uuid("id", what: "company")
        let held = CompanyRules.entityTags(request.headers[.ifNoneMatch])
        switch try await details.logo(companyID: scope.companyID, id: id, held: held) {
        case .noCompany:
            throw APIError.notFound("company")
        case .noLogo:
            throw APIError(.notFound, code: "logo_not_found", message: "This company has no logo.")
        case .logo(let contentType, let sha256, let bytes):
            var headers: HTTPFields = [.eTag: "\"\(sha256)\"", .cacheControl: "private, no-cache"]
            guard let bytes else { return Response(status: .notModified, headers: headers) }
            headers[.contentType] = contentType
            headers[.contentSecurityPolicy] = "default-src 'none'"
            if let noSniff = HTTPField.Name("X-Content-Type-Options") { headers[noSniff] = "nosniff" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
    }

    @Sendable func settings(_ request: Request, context: Context) async throws -> CompanySettings {
        let scope = try context.tenant(permission: BasePermission.companiesRead)
        let id = try context.parameters.uuid("id", what: "company")
        return try await details.settings(companyID: scope.companyID, id: id).orNotFound("company")
    }

    /// Replaces the settings: a field left out takes its default.
    @Sendable func saveSettings(_ request: Request, context: Context) async throws -> CompanySettings {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let id = try context.parameters.uuid("id", what: "company")
        let body = try await request.decodeValid(as: CompanySettingsInput.self, context: context)
        return try await details.saveSettings(companyID: scope.companyID, id: id, userID: scope.userID, body.resolved(companyID: id))
            .orNotFound("company")
    }
}
