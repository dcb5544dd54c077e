import Foundation
import KisumKernel
import KisumServiceClient

/// A Nextcloud server's WebDAV files of one account: `NEXTCLOUD_URL` (the server, e.g. `https://cloud.example.com`),
/// `NEXTCLOUD_USER` and `NEXTCLOUD_APP_PASSWORD` (an app password, sent as HTTP basic auth), optional
/// `NEXTCLOUD_TIMEOUT_SECONDS` (default 20). Files live under `<url>/remote.php/dav/files/<user>/`.
public struct NextcloudSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var url: String
    public var user: String
    /// Never printed.
    public var appPassword: String
    public var timeout: Duration
    public var transport: any HTTPTransport

    public init(url: String, user: String, appPassword: String, timeout: Duration = .seconds(20), transport: any HTTPTransport = CurlTransport.shared) {
        self.url = url
        self.user = user
        self.appPassword = appPassword
        self.timeout = timeout
        self.transport = transport
    }

    public var description: String { "url: \(url), user: \(user), appPassword: <redacted>, timeout: \(timeout)" }
    public var debugDescription: String { description }

    static func load(from env: inout EnvironmentReader) -> NextcloudSettings? {
        let url = env.url("NEXTCLOUD_URL", required: false, hint: "the Nextcloud server, e.g. https://cloud.example.com")
        let urlSet = env.optional("NEXTCLOUD_URL") != nil
        let user = env.optional("NEXTCLOUD_USER")
        let password = env.optional("NEXTCLOUD_APP_PASSWORD")
        let timeout = env.int("NEXTCLOUD_TIMEOUT_SECONDS", default: 20, range: 1...300)
        guard urlSet else { return nil }
        if user == nil || password == nil {
            env.report("NEXTCLOUD_USER and NEXTCLOUD_APP_PASSWORD must be set when NEXTCLOUD_URL is set")
        }
        guard let url, let user, let password else { return nil }
        return NextcloudSettings(url: url, user: user, appPassword: password, timeout: .seconds(timeout))
    }
}
