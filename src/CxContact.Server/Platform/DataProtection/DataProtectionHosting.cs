using CxContact.Server.Platform.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CxContact.Server.Platform.DataProtection;

public static class DataProtectionHosting
{
    /// <summary>
    /// One key ring for the deployment, in PostgreSQL and sealed with the secrets key. The application name is fixed:
    /// the default (the content root path) differs between a build, a publish and a pod, and would split the ring.
    /// </summary>
    public static void AddCxDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("cxcontact");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new PostgresKeyRepository(sp.GetRequiredService<NpgsqlDataSource>());
            o.XmlEncryptor = new SealedKeyEncryptor(sp.GetRequiredService<SecretsKey>());
        }));
    }
}
