import CZeroMQ
import Glibc

/// CURVE keys and their Z85 text form.
extension ZMQ {
    /// A fresh CURVE key pair, each key as 40 Z85 characters.
    /// Throws `ENOTSUP` if libzmq was built without CURVE.
    public static func curveKeyPair() throws -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else {
            throw ZMQError.last("zmq_curve_keypair")
        }
        return (string(fromCString: publicKey), string(fromCString: secretKey))
    }

    /// The public key matching a Z85 secret key, so only the secret needs storing.
    public static func curvePublicKey(fromSecret secretKey: String) throws -> String {
        // libzmq decodes the whole string into 32 bytes: reject anything but 40 characters
        // before it can overrun that buffer.
        guard isZ85Key(secretKey) else {
            throw ZMQError(operation: "zmq_curve_public(secret key not 40 Z85 characters)", code: EINVAL)
        }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else {
            throw ZMQError.last("zmq_curve_public")
        }
        return string(fromCString: publicKey)
    }

    /// Z85-encodes bytes whose count is a multiple of 4 (a 32-byte key gives 40 characters).
    public static func z85Encode(_ bytes: [UInt8]) throws -> String {
        guard bytes.count % 4 == 0 else {
            throw ZMQError(operation: "zmq_z85_encode(length not a multiple of 4)", code: EINVAL)
        }
        var text = [CChar](repeating: 0, count: bytes.count / 4 * 5 + 1)
        guard zmq_z85_encode(&text, bytes, bytes.count) != nil else {
            throw ZMQError.last("zmq_z85_encode")
        }
        return string(fromCString: text)
    }

    /// Decodes Z85 text whose length is a multiple of 5.
    public static func z85Decode(_ text: String) throws -> [UInt8] {
        let length = text.utf8.count
        guard length % 5 == 0, !text.utf8.contains(0) else {
            throw ZMQError(operation: "zmq_z85_decode(length not a multiple of 5)", code: EINVAL)
        }
        var bytes = [UInt8](repeating: 0, count: length / 5 * 4)
        guard zmq_z85_decode(&bytes, text) != nil else {
            throw ZMQError(operation: "zmq_z85_decode(not Z85)", code: EINVAL)
        }
        return bytes
    }

    static func isZ85Key(_ text: String) -> Bool {
        text.utf8.count == 40 && !text.utf8.contains(0)
    }

    private static func string(fromCString characters: [CChar]) -> String {
        let bytes = characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
