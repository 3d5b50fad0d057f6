using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CxContact.Server.Platform.Secrets;

/// <summary>
/// Seals credentials (any JSON-serialisable value) with AES-256-GCM under a key derived (HKDF-SHA256) from the
/// master key for one row: its kind ("sftp-connection", "messaging-gateway"), tenant and row id. The same are the
/// associated data, so a sealed blob copied to another row, kind or tenant does not open.
/// Layout: version (1) | master key id (4) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public static class CredentialsCipher
{
    private const byte Version = 1;
    private const int HeaderSize = 1 + 4, NonceSize = 12, TagSize = 16;

    public const string SftpConnection = "sftp-connection";
    public const string MessagingGateway = "messaging-gateway";

    public static byte[] Seal<T>(byte[] masterKey, Guid tenantId, Guid connectionId, T credentials, string kind = SftpConnection)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(credentials, JsonSerializerOptions.Web);
        try
        {
            var blob = new byte[HeaderSize + NonceSize + TagSize + plain.Length];
            blob[0] = Version;
            KeyId(masterKey).CopyTo(blob.AsSpan(1, 4));
            // A random nonce per seal: rows are rewritten whenever credentials change, so a counter has no home.
            RandomNumberGenerator.Fill(blob.AsSpan(HeaderSize, NonceSize));
            var context = Context(blob.AsSpan(0, HeaderSize), kind, tenantId, connectionId);
            using var aes = new AesGcm(RowKey(masterKey, context), TagSize);
            aes.Encrypt(blob.AsSpan(HeaderSize, NonceSize), plain, blob.AsSpan(HeaderSize + NonceSize + TagSize),
                blob.AsSpan(HeaderSize + NonceSize, TagSize), context);
            return blob;
        }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }

    /// <summary>Opens a sealed blob of this row; throws <see cref="CryptographicException"/> saying why it cannot.</summary>
    public static T Open<T>(byte[] masterKey, Guid tenantId, Guid connectionId, byte[] blob, string kind = SftpConnection)
    {
        if (blob.Length < HeaderSize + NonceSize + TagSize || blob[0] != Version)
            throw new CryptographicException("the stored credentials are not in a format this version can read");
        if (!blob.AsSpan(1, 4).SequenceEqual(KeyId(masterKey)))
            throw new CryptographicException("the stored credentials were sealed under a different secrets key (was CXC_SECRETS_KEY changed?)");
        var context = Context(blob.AsSpan(0, HeaderSize), kind, tenantId, connectionId);
        var plain = new byte[blob.Length - HeaderSize - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(RowKey(masterKey, context), TagSize);
            try
            {
                aes.Decrypt(blob.AsSpan(HeaderSize, NonceSize), blob.AsSpan(HeaderSize + NonceSize + TagSize),
                    blob.AsSpan(HeaderSize + NonceSize, TagSize), plain, context);
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new CryptographicException("the stored credentials do not belong to this connection or were altered", e);
            }
            return JsonSerializer.Deserialize<T>(plain, JsonSerializerOptions.Web)
                ?? throw new CryptographicException("the stored credentials are empty");
        }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }

    /// <summary>Names the master key without revealing it, so a changed key is told apart from tampering.</summary>
    private static byte[] KeyId(byte[] masterKey) =>
        SHA256.HashData([.. "cxc/secrets-key-id"u8, .. masterKey])[..4];

    private static byte[] Context(ReadOnlySpan<byte> header, string kind, Guid tenantId, Guid connectionId) =>
        [.. header, .. Encoding.ASCII.GetBytes($"cxc/{kind}/{tenantId:N}/{connectionId:N}")];

    private static byte[] RowKey(byte[] masterKey, byte[] context) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, salt: [], info: context);
}
