import FaroAPISpec
import FaroModel
import FaroSupport
import NIOCore
import Synchronization

/// The encoded OpenAPI document, built on the first request for it and then shared by every
/// responder that holds this cache. Building it needs tens of MiB of transient memory (the
/// document describes every method and parameter), which an idle daemon should not carry, so
/// the heap is trimmed once it is built.
public final class OpenAPIDocumentCache: Sendable {
    private let spec: APISpec
    private let encoded = Mutex<ByteBuffer?>(nil)
    private let compressed = Mutex<ByteBuffer??>(nil)

    public init(spec: APISpec) { self.spec = spec }

    public var document: ByteBuffer {
        encoded.withLock { cached in
            if let cached { return cached }
            let buffer = ByteBuffer(bytes: JSONWriter.bytes(spec.openAPIDocument()))
            cached = buffer
            Heap.trim()
            return buffer
        }
    }

    /// The document gzip-compressed (about a tenth of its size), nil when zlib fails.
    public var gzippedDocument: ByteBuffer? {
        let plain = document
        return compressed.withLock { cached in
            if let cached { return cached }
            let packed = Gzip.compress(Array(plain.readableBytesView), level: 6).map { ByteBuffer(bytes: $0) }
            cached = .some(packed)
            return packed
        }
    }
}
