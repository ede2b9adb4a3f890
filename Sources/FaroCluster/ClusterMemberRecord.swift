import FaroModel
import FaroStore

/// What Faro keeps about a cluster node beside Proxmox's files, in the store at
/// `nodes/<node>/faro-member.json`: where its API listens and its etcd member.
public struct ClusterMemberRecord: Sendable, Equatable {
    public var address: String
    public var port: Int
    public var etcdClientURL: String
    public var etcdPeerURL: String
    /// etcd's member id (uint64 as decimal text).
    public var etcdID: String

    public init(address: String, port: Int, etcdClientURL: String, etcdPeerURL: String, etcdID: String) {
        self.address = address
        self.port = port
        self.etcdClientURL = etcdClientURL
        self.etcdPeerURL = etcdPeerURL
        self.etcdID = etcdID
    }

    public init?(_ json: JSONValue) {
        guard let address = json["address"]?.stringValue, let port = json["port"]?.intValue,
            let client = json["etcd_client"]?.stringValue, let peer = json["etcd_peer"]?.stringValue
        else { return nil }
        self.init(address: address, port: port, etcdClientURL: client, etcdPeerURL: peer, etcdID: json["etcd_id"]?.displayText ?? "")
    }

    public var json: JSONValue {
        [
            "address": .string(address), "port": .int(port), "etcd_client": .string(etcdClientURL),
            "etcd_peer": .string(etcdPeerURL), "etcd_id": .string(etcdID),
        ]
    }

    public var bytes: [UInt8] { Array((JSONWriter.string(json, pretty: true) + "\n").utf8) }

    /// The record of `node`, or nil when the store has none (or an unreadable one).
    public static func load(_ node: String, from store: any ConfigStore) async throws -> (ClusterMemberRecord, StoreFile)? {
        guard let file = try await store.read(StoreLayout.clusterMember(node)),
            let json = try? JSONParser.parse(String(decoding: file.data, as: UTF8.self)), let record = ClusterMemberRecord(json)
        else { return nil }
        return (record, file)
    }
}
