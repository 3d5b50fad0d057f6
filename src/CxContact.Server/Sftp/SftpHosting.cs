using CxContact.Server.Platform.Secrets;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Sftp;

/// <summary>SFTP file sources: connections (a tenant resource with sealed credentials) and the fetcher imports use.</summary>
public static class SftpHosting
{
    public static void AddCxSftp(this IServiceCollection services, PlatformSettings settings)
    {
        services.AddSingleton(sp => new SecretsKey(sp.GetRequiredService<NpgsqlDataSource>(), settings.SecretsKey,
            sp.GetRequiredService<ILogger<SecretsKey>>()));
        services.AddSingleton<SftpConnectionStore>();
        services.AddSingleton(new SftpOptions { MaxFileBytes = settings.MaxUploadBytes });
        services.AddSingleton(new SftpDestinationPolicy(settings.SftpAllowedNetworks, settings.OwnPorts()));
        services.AddSingleton<SftpDialer>();
        services.AddSingleton<SftpRetry>();
        services.AddSingleton<SftpFetcher>();
        services.AddSingleton<SftpUploader>();
    }
}
