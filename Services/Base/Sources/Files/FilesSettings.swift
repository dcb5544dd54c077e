import Foundation
import KisumKernel
import KisumServiceClient
import KisumStorage

/// Where uploaded files go and what is accepted: `FILES_STORAGE` (`local`, the default: `FILES_DIR`; or `s3`:
/// `S3_ENDPOINT`, `S3_BUCKET`, `S3_REGION`, `S3_ACCESS_KEY`, `S3_SECRET_KEY`), `FILES_MAX_BYTES` (default 10 MiB)
/// and `FILES_ALLOWED_TYPES` (comma-separated `SniffedType` names; default every type the sniffer knows).
/// The size and type limits also bound what goes to and comes from Nextcloud.
public struct FilesSettings: Sendable {
    public enum Backend: Sendable {
        case local(directory: String)
        case s3(S3Configuration)
    }

    public var backend: Backend
    public var maxBytes: Int
    public var allowedTypes: Set<SniffedType>
    /// How S3 requests travel: libcurl in production.
    public var transport: any HTTPTransport

    public static let defaultMaxBytes = 10 * 1024 * 1024
    /// Uploads are buffered whole before they are checked, so the ceiling stays modest.
    public static let maxMaxBytes = 50 * 1024 * 1024

    /// Without arguments (tests, tools): a fresh folder under the temporary directory.
    public init(backend: Backend? = nil, maxBytes: Int = FilesSettings.defaultMaxBytes, allowedTypes: Set<SniffedType> = Set(SniffedType.allCases),
                transport: any HTTPTransport = CurlTransport.shared) {
        self.backend = backend ?? .local(directory: FileManager.default.temporaryDirectory
            .appendingPathComponent("kisum-base-files-\(UUID().uuidString.prefix(8))").path)
        self.maxBytes = maxBytes
        self.allowedTypes = allowedTypes
        self.transport = transport
    }

    /// The storage the settings name (loading already checked the S3 endpoint; a hand-made bad one stops the start).
    public func makeStorage() throws -> any ObjectStorage {
        switch backend {
        case .local(let directory): return LocalDiskStorage(directory: directory)
        case .s3(let configuration):
            guard let storage = S3Storage(configuration: configuration, transport: transport) else {
                throw ConfigurationError(service: "base", problems: ["S3_ENDPOINT must be an http(s) URL and S3_BUCKET set"])
            }
            return storage
        }
    }

    static func load(from env: inout EnvironmentReader) -> FilesSettings {
        let kind = env.oneOf("FILES_STORAGE", ["local", "s3"], default: "local")
        let directory = env.string("FILES_DIR", default: "./.data/storage/base")
        let maxBytes = env.int("FILES_MAX_BYTES", default: defaultMaxBytes, range: 1024...maxMaxBytes)
        var allowed = Set(SniffedType.allCases)
        let listed = env.list("FILES_ALLOWED_TYPES")
        if !listed.isEmpty {
            allowed = Set(listed.compactMap { SniffedType(rawValue: $0.lowercased()) })
            let unknown = listed.filter { SniffedType(rawValue: $0.lowercased()) == nil }
            if !unknown.isEmpty {
                env.report("FILES_ALLOWED_TYPES names unknown types \(unknown.joined(separator: ", ")) (known: \(SniffedType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let endpoint = env.url("S3_ENDPOINT", required: false, hint: "S3-compatible endpoint, e.g. http://minio:9000")
        let bucket = env.optional("S3_BUCKET")
        let region = env.string("S3_REGION", default: "us-east-1")
        let accessKey = env.optional("S3_ACCESS_KEY")
        let secretKey = env.optional("S3_SECRET_KEY")
        guard kind == "s3" else { return FilesSettings(backend: .local(directory: directory), maxBytes: maxBytes, allowedTypes: allowed) }
        for (name, value) in [("S3_ENDPOINT", endpoint), ("S3_BUCKET", bucket), ("S3_ACCESS_KEY", accessKey), ("S3_SECRET_KEY", secretKey)] where value == nil {
            env.report("\(name) must be set when FILES_STORAGE is s3")
        }
        guard let endpoint, let bucket, let accessKey, let secretKey else {
            return FilesSettings(backend: .local(directory: directory), maxBytes: maxBytes, allowedTypes: allowed)
        }
        let configuration = S3Configuration(endpoint: endpoint, bucket: bucket, region: region, accessKey: accessKey, secretKey: secretKey)
        return FilesSettings(backend: .s3(configuration), maxBytes: maxBytes, allowedTypes: allowed)
    }
}
