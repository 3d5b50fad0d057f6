using CxContact.Server.Platform.Secrets;
using System.Security.Cryptography;
using System.Text;
using CxContact.Server.Sftp;

namespace CxContact.Server.Tests.Sftp;

/// <summary>Sealed credentials open only for their own row, under their own key, unaltered.</summary>
public sealed class CredentialsCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly Guid Tenant = Guid.CreateVersion7(), Connection = Guid.CreateVersion7();
    private static readonly SftpCredentials Secret = new(null, "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n", "correct horse");

    [Fact]
    public void What_is_sealed_opens_again_and_is_not_readable_in_between()
    {
        var blob = CredentialsCipher.Seal(Key, Tenant, Connection, Secret);

        Assert.Equal(Secret, CredentialsCipher.Open<SftpCredentials>(Key, Tenant, Connection, blob));
        Assert.DoesNotContain("correct horse", Encoding.UTF8.GetString(blob));
        Assert.DoesNotContain("OPENSSH", Encoding.UTF8.GetString(blob));
        // A fresh nonce each time: sealing the same secret twice gives different bytes.
        Assert.NotEqual(blob, CredentialsCipher.Seal(Key, Tenant, Connection, Secret));
    }

    [Fact]
    public void A_blob_moved_to_another_row_or_tenant_does_not_open()
    {
        var blob = CredentialsCipher.Seal(Key, Tenant, Connection, Secret);

        var moved = Assert.ThrowsAny<CryptographicException>(() => CredentialsCipher.Open<SftpCredentials>(Key, Tenant, Guid.CreateVersion7(), blob));
        Assert.Contains("do not belong to this connection", moved.Message);
        Assert.ThrowsAny<CryptographicException>(() => CredentialsCipher.Open<SftpCredentials>(Key, Guid.CreateVersion7(), Connection, blob));
    }

    [Fact]
    public void An_altered_blob_or_another_key_is_refused_with_the_reason()
    {
        var blob = CredentialsCipher.Seal(Key, Tenant, Connection, Secret);
        blob[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => CredentialsCipher.Open<SftpCredentials>(Key, Tenant, Connection, blob));

        var other = Assert.ThrowsAny<CryptographicException>(() =>
            CredentialsCipher.Open<SftpCredentials>(RandomNumberGenerator.GetBytes(32), Tenant, Connection, CredentialsCipher.Seal(Key, Tenant, Connection, Secret)));
        Assert.Contains("different secrets key", other.Message);
    }

    [Fact]
    public void Credentials_never_print_themselves()
    {
        var text = Secret.ToString() + new SftpCredentials("hunter2", null, null);
        Assert.DoesNotContain("correct horse", text);
        Assert.DoesNotContain("hunter2", text);
        Assert.Contains("HasPrivateKey = True", text);
    }
}
