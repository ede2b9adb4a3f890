import FaroCluster
import FaroConfig
import FaroGuest
import FaroLXC
import FaroQemu
import FaroSchema
import FaroStorage
import FaroStore
import FaroSupport
import FaroTasks

/// A failure with its HTTP status, in Proxmox's terms: 400 parameter errors (with the
/// per-parameter map), 401 authentication, 403 permissions, 500 everything else (including
/// "does not exist"), 501 unknown methods. The message's first line becomes the reason phrase.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public let errors: [String: String]?

    public init(status: Int, _ message: String, errors: [String: String]? = nil) {
        self.status = status
        self.message = message
        self.errors = errors
    }

    public var description: String { message }

    public static func parameters(_ errors: [String: String]) -> APIError {
        APIError(status: 400, "Parameter verification failed.", errors: errors)
    }

    /// A 400 for one parameter, e.g. `.parameter("vmid", "VM 100 already exists")`.
    public static func parameter(_ name: String, _ message: String) -> APIError {
        .parameters([name: message])
    }

    public static func failed(_ message: String) -> APIError { APIError(status: 500, message) }

    public static func permission(_ path: String, _ privileges: [String]) -> APIError {
        APIError(status: 403, "Permission check failed (\(path), \(privileges.joined(separator: ", ")))")
    }

    public static func notImplemented(_ verb: String, _ path: String) -> APIError {
        APIError(status: 501, "Method '\(verb) \(path)' not implemented")
    }

    /// Maps any error a handler throws to its API form.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as ParameterErrors: return .parameters(error.errors)
        case let error as StoreError:
            switch error {
            case .notFound(let path): return .failed("Configuration file '\(path)' does not exist")
            case .revisionMismatch:
                return .failed("detected modified configuration - file changed by other user? Try again.")
            default: return .failed(error.description)
            }
        case let error as TaskError: return .failed(error.description)
        case let error as ClusterError:
            switch error {
            // As Proxmox's proxy: a node that cannot be reached (or not trusted) is 595.
            case .fingerprintMismatch, .nodeUnreachable: return APIError(status: 595, error.description)
            default: return .failed(error.description)
            }
        case let error as ConfigLineError: return .parameter(error.key, error.description)
        case let error as GuestConfigError:
            switch error {
            case .invalidValue(let line): return .parameter(line.key, line.description)
            case .invalidKey(let key): return .parameter(key, error.description)
            case .syntax, .invalidSection: return .failed(error.description)
            }
        case let error as StorageParameterError: return .parameters(error.errors)
        case let error as StorageError:
            if case .invalidOption(let option, let message) = error { return .parameter(option, message) }
            return .failed(error.description)
        case let error as CommandError: return .failed(error.description)
        case let error as FileError: return .failed(error.description)
        case let error as GuestError: return .failed(error.description)
        case let error as VMError:
            if case .parameter(let name, let message) = error { return .parameter(name, message) }
            return .failed(error.description)
        case let error as LXCError:
            if case .invalidOption(let name, let message) = error { return .parameter(name, message) }
            return .failed(error.description)
        default: return .failed(String(describing: error))
        }
    }
}
