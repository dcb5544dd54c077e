import KisumKernel

/// Base's own settings, read from the environment next to the kernel's (`KernelSettings`). A setting
/// is added here, to `load`, to the README's settings table and to the local run's
/// `deploy/local/services.env.sh`; `Tests/DeployTests` checks that compose and Kubernetes set it.
public struct BaseSettings: Sendable {
    public init() {}

    static func load(from env: inout EnvironmentReader) -> BaseSettings {
        BaseSettings()
    }
}
