using System.Xml.Linq;
using CxContact.Server.Platform.Secrets;
using CxContact.Server.Platform.Tenancy;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CxContact.Server.Platform.DataProtection;

/// <summary>Opens a key that <see cref="SealedKeyEncryptor"/> sealed; data protection creates it by type, with the services.</summary>
public sealed class SealedKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var master = services.GetRequiredService<SecretsKey>().GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var id = (Guid)encryptedElement.Attribute("id")!;
        var xml = CredentialsCipher.Open<string>(master, Tenant.SystemId, id, Convert.FromBase64String(encryptedElement.Value), SealedKeyEncryptor.Kind);
        return XElement.Parse(xml);
    }
}
