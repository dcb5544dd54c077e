import Foundation
import Hummingbird
import KisumKernel

/// `/api/agreements/{id}/{assets}`: the files of an agreement by kind (`{assets}` is one of
/// `AgreementAssetKind.all`; anything else is 404 `asset_kind_not_found`), and `{extra}` one file's id.
struct AgreementAssetsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: AgreementAssetsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let agreements = tenant.group("/api/agreements")
        agreements.get("{id}/{assets}", use: list)
        agreements.post("{id}/{assets}", use: upload)
        agreements.put("{id}/{assets}", use: replace)
        agreements.get("{id}/{assets}/{extra}", use: download)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<AgreementAsset> {
        let scope = try context.tenant(permission: BasePermission.agreementsRead)
        let id = try context.parameters.uuid("id", what: "agreement")
        let kind = try AgreementAssetKind.parse(context.parameters.get("assets"))
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        try q.validate()
        let result = try await repository.list(companyID: scope.companyID, agreementID: id, kind: kind, page: page).orNotFound("agreement")
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `multipart/form-data`: the file in field `file` (PDF, PNG, JPEG or WebP by its bytes, at most 10 MiB), an
    /// optional `description` and an optional `fileName` (else the file part's own name).
    @Sendable func upload(_ request: Request, context: Context) async throws -> EditedResponse<AgreementAsset> {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let id = try context.parameters.uuid("id", what: "agreement")
        let kind = try AgreementAssetKind.parse(context.parameters.get("assets"))
        let upload = try await Self.readUpload(request, kind: kind)
        let asset = try await repository.add(companyID: scope.companyID, agreementID: id, userID: scope.userID, upload).orNotFound("agreement")
        return EditedResponse(status: .created, response: asset)
    }

    /// Makes the kind's files the listed ones, in the listed order (see `ReplaceAgreementAssets`).
    @Sendable func replace(_ request: Request, context: Context) async throws -> Page<AgreementAsset> {
        let scope = try context.tenant(permission: BasePermission.agreementsWrite)
        let id = try context.parameters.uuid("id", what: "agreement")
        let kind = try AgreementAssetKind.parse(context.parameters.get("assets"))
        let body = try await request.decodeValid(as: ReplaceAgreementAssets.self, context: context)
        let items = try await repository.replace(companyID: scope.companyID, agreementID: id, kind: kind, body.assets ?? [])
            .orNotFound("agreement")
        return Page(items: items, total: items.count, request: PageRequest(page: 1, limit: AgreementAssetKind.maxPerKind))
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.agreementsRead)
        let id = try context.parameters.uuid("id", what: "agreement")
        let kind = try AgreementAssetKind.parse(context.parameters.get("assets"))
        let assetID = try context.parameters.uuid("extra", what: "asset")
        switch try await repository.download(companyID: scope.companyID, agreementID: id, kind: kind, assetID: assetID) {
        case .noAgreement: throw APIError.notFound("agreement")
        case .noAsset: throw APIError.notFound("asset")
        case .file(let fileName, let contentType, let sha256, let bytes):
            return FileResponse.attachment(bytes, contentType: contentType, fileName: fileName, sha256: sha256)
        }
    }

    // MARK: Upload

    /// Not multipart → 415; larger than the limit → 413 (read no further than that); malformed → 400; no file,
    /// an empty one, a type other than PDF/PNG/JPEG/WebP or a bad description/name → 422 naming the field.
    static func readUpload(_ request: Request, kind: String) async throws -> AgreementAssetsRepository.Upload {
        let limit = AgreementAssetKind.maxBytes
        guard let contentType = request.headers[.contentType], let boundary = MultipartForm.boundary(inContentType: contentType) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send the file as multipart/form-data (field \"file\").")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit + 64 * 1024)
        } catch {
            throw MultipartForm.tooLarge(limit)
        }
        let form = try MultipartForm(Array(body.readableBytesView), boundary: boundary)
        guard let file = form.filePart(named: "file") else {
            throw APIError.validation(field: "file", code: "required", message: "Attach the file in the \"file\" field.")
        }
        guard file.body.count <= limit else { throw MultipartForm.tooLarge(limit) }
        let data = Data(file.body)
        guard !data.isEmpty, let type = AssetFileType.sniff(data) else {
            throw APIError(.unprocessableContent, code: "unsupported_media_type", message: "Upload a PDF, PNG, JPEG or WebP file.",
                           details: [FieldIssue(field: "file", code: "unsupported_media_type", message: "Upload a PDF, PNG, JPEG or WebP file.")])
        }
        var v = Validator()
        let description = text(of: "description", in: form, &v)
        let name = text(of: "fileName", in: form, &v)
        v.text(description, "description", required: false, maxLength: 1000)
        v.text(name, "fileName", required: false, maxLength: 255)
        try v.validate()
        return AgreementAssetsRepository.Upload(kind: kind, fileName: AssetFileType.cleanName(name ?? file.fileName), description:
            description?.trimmingCharacters(in: .whitespacesAndNewlines), contentType: type, bytes: data)
    }

    /// A text field of the form (not the file part), which must be UTF-8.
    private static func text(of field: String, in form: MultipartForm, _ v: inout Validator) -> String? {
        guard let part = form.parts.first(where: { $0.name == field && $0.fileName == nil }) else { return nil }
        guard let text = String(validating: part.body, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value == 0 }) else {
            v.add(field, "invalid_text", "Send this field as UTF-8 text.")
            return nil
        }
        return text
    }
}
