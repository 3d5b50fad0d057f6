using CxContact.Core.Suppression;
using CxContact.Server.Platform.Hosting;
using StackExchange.Redis;

namespace CxContact.Server.Suppression;

/// <summary>Suppression lists: the registry and entries in PostgreSQL, the lookup index in Redis.</summary>
public static class SuppressionHosting
{
    public static void AddCxSuppression(this IServiceCollection services, PlatformSettings settings)
    {
        services.AddSingleton<SuppressionListStore>();
        services.AddSingleton<SuppressionPurger>();
        services.AddSingleton(sp => new SuppressionIndex(sp.GetRequiredService<IConnectionMultiplexer>(), settings.RedisPrefix));
        services.AddSingleton<SuppressionValueNormalizer>();
        services.AddSingleton<SuppressionRebuilder>();
        services.AddSingleton(sp => new SuppressionImportStore(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()) { RunningPerTenant = settings.ImportsPerTenant });
        services.AddSingleton<SuppressionImportRunner>();
        services.AddSingleton<SuppressionFeedWriter>();
        // The campaign role owns list work (as for contact-list imports); the compliance role keeps the index current.
        if (settings.Has(SiloRoles.Campaign)) services.AddHostedService<SuppressionImportWorker>();
        if (settings.Has(SiloRoles.Compliance)) services.AddHostedService<SuppressionStartupCheck>();
    }
}
