import Crypto
import FaroModel
import Foundation

extension WebAuthnRelyingParty {
    /// Checks a registration answer (`value` of `POST /access/tfa/{userid}`) to `challenge` and
    /// returns the credential to store, in the shape of Proxmox's `tfa.cfg`.
    public func finishRegistration(_ text: String, challenge: String) throws(Failure) -> JSONValue {
        let (_, response) = try Self.credentialJSON(text)
        _ = try clientData(try Self.field(response, "clientDataJSON"), type: "webauthn.create", challenges: [challenge])
        guard let attestation = try? CBOR.decode(try Self.field(response, "attestationObject")).value else {
            throw .invalid("attestationObject is not CBOR")
        }
        guard attestation["fmt"]?.textValue == "none" else {
            throw .invalid("only attestation 'none' is supported, not '\(attestation["fmt"]?.textValue ?? "?")'")
        }
        guard let data = attestation["authData"]?.bytesValue else { throw .invalid("attestationObject has no authData") }
        let (flags, counter) = try authenticatorData(data)
        guard flags & 0x40 != 0, data.count >= 55 else { throw .invalid("no attested credential data") }
        let idLength = Int(data[53]) << 8 | Int(data[54])
        guard data.count >= 55 + idLength else { throw .invalid("credential id truncated") }
        let credentialID = Array(data[55..<55 + idLength])
        guard let key = try? CBOR.decode(data, from: 55 + idLength).value else { throw .invalid("credential key is not CBOR") }
        guard key[1]?.intValue == 2, key[3]?.intValue == -7, key[-1]?.intValue == 1,
            let x = key[-2]?.bytesValue, let y = key[-3]?.bytesValue, x.count == 32, y.count == 32,
            (try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)) != nil
        else { throw .invalid("only ES256 (P-256) credentials are supported") }
        func bytes(_ value: [UInt8]) -> JSONValue { .array(value.map { .int(Int($0)) }) }
        return [
            "cred_id": bytes(credentialID),
            "cred": ["type_": "ES256", "key": ["EC_EC2": ["curve": "SECP256R1", "x": bytes(x), "y": bytes(y)]]],
            "counter": .int(Int(counter)),
        ]
    }

    /// Checks a login answer (`webauthn:<json>`) against the user's enabled credentials and the
    /// open login challenges in `attempts`; the challenge is used up either way, the stored
    /// counter advances on success.
    public func verifyLogin(_ text: String, user: inout TFAUser, attempts: inout TFAAttempts, now: Int) -> SecondFactorCheck.Outcome {
        let open = attempts.webauthnChallenges.filter {
            $0["purpose"]?.stringValue == "login" && ($0["created"]?.intValue ?? 0) + Self.challengeLifetime > now
        }
        do throws(Failure) {
            let (rawID, response) = try Self.credentialJSON(text)
            var entries = user.entries(.webauthn)
            guard let index = entries.firstIndex(where: { $0.enable && Self.credentialID($0) == rawID }) else {
                throw .invalid("unknown credential")
            }
            let clientBytes = try Self.field(response, "clientDataJSON")
            let challenge = try clientData(
                clientBytes, type: "webauthn.get", challenges: Set(open.compactMap { $0["challenge"]?.stringValue }))
            attempts.webauthnChallenges.removeAll { $0["challenge"]?.stringValue == challenge }
            let data = try Self.field(response, "authenticatorData")
            let (_, counter) = try authenticatorData(data)
            let key = try Self.publicKey(entries[index])
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: try Self.field(response, "signature")),
                key.isValidSignature(signature, for: Data(data + Array(SHA256.hash(data: Data(clientBytes)))))
            else { throw .invalid("bad signature") }
            let stored = entries[index].entry["counter"]?.intValue ?? 0
            guard counter == 0 && stored == 0 || Int(counter) > stored else {
                throw .invalid("signature counter \(counter) not above \(stored): a cloned authenticator?")
            }
            var credential = entries[index].entry.objectValue ?? [:]
            credential["counter"] = .int(Int(counter))
            entries[index].entry = .object(credential)
            user.setEntries(.webauthn, entries)
            return .accepted
        } catch {
            return .refused(reason: "WebAuthn: \(error)")
        }
    }

    static func publicKey(_ entry: TFAEntry) throws(Failure) -> P256.Signing.PublicKey {
        let key = entry.entry["cred"]?["key"]?["EC_EC2"]
        func bytes(_ name: String) -> [UInt8] {
            (key?[name]?.arrayValue ?? []).compactMap { $0.intValue.flatMap(UInt8.init(exactly:)) }
        }
        guard entry.entry["cred"]?["type_"]?.stringValue == "ES256",
            let publicKey = try? P256.Signing.PublicKey(x963Representation: [0x04] + bytes("x") + bytes("y"))
        else { throw .invalid("stored credential is not an ES256 key") }
        return publicKey
    }
}
