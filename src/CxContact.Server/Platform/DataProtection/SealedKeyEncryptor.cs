using System.Xml.Linq;
using CxContact.Server.Platform.Secrets;
using CxContact.Server.Platform.Tenancy;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CxContact.Server.Platform.DataProtection;

/// <summary>
/// Seals each data protection key with the platform's secrets key (AES-GCM, as stored credentials are) before it reaches
/// the database, so a copy of data_protection_keys alone cannot forge a session.
/// </summary>
public sealed class SealedKeyEncryptor(SecretsKey secrets) : IXmlEncryptor
{
    public const string Kind = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var id = Guid.CreateVersion7();
        // Runs when a key is made (at first start, then every 90 days), outside any request.
        var master = secrets.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var blob = CredentialsCipher.Seal(master, Tenant.SystemId, id, plaintextElement.ToString(SaveOptions.DisableFormatting), Kind);
        return new EncryptedXmlInfo(new XElement("sealedKey", new XAttribute("id", id), Convert.ToBase64String(blob)), typeof(SealedKeyDecryptor));
    }
}
