using CxContact.Server.Jobs;
using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists;

/// <summary>The List Builder / List Manager's services; import workers run on the campaign role only.</summary>
public static class ListsHosting
{
    public static void AddCxLists(this IServiceCollection services, PlatformSettings settings)
    {
        services.AddSingleton<ContactListStore>();
        services.AddSingleton(sp => new ImportJobStore(sp.GetRequiredService<Npgsql.NpgsqlDataSource>()) { RunningPerTenant = settings.ImportsPerTenant });
        services.AddSingleton<ImportRunner>();
        services.AddSingleton<LandingDirectory>();
        services.AddSingleton<LandingQuota>();
        services.AddSingleton<Export.ContactListExportStore>();
        services.AddSingleton<Export.ContactListExportRunner>();
        services.AddSingleton<LandingRetention>();
        if (settings.Has(SiloRoles.Campaign))
        {
            services.AddHostedService<ImportWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<LandingRetention>());
        }
    }
}
