using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Npgsql;
using Orleans.Configuration;
using CxContact.Server.Platform.Storage;
using StackExchange.Redis;

namespace CxContact.Server.Platform.Hosting;

/// <summary>How this process joins the cluster and where grains keep state and reminders.</summary>
public static class OrleansHosting
{
    public const string StorageInvariant = "Npgsql";

    public static void AddCxSilo(this WebApplicationBuilder builder, PlatformSettings s)
    {
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = s.ClusterId; o.ServiceId = s.ServiceId; });
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(s.Redis));
            if (s.Kubernetes)
                silo.UseKubernetesHosting(); // identity, address and ports come from the pod
            else
                silo.ConfigureEndpoints(s.AdvertisedIp, s.SiloPort, s.GatewayPort, listenOnAnyHostAddress: true);
            silo.AddCxStorage(s.Postgres);
            // Role-bound grains ([SiloRolePlacement]) go only to silos whose metadata lists their role.
            silo.UseSiloMetadata(new Dictionary<string, string> { [SiloRolePlacementFilterDirector.MetadataKey] = SiloRolesParser.Each(s.Roles) });
            silo.Services.AddPlacementFilter<SiloRolePlacementFilterStrategy, SiloRolePlacementFilterDirector>(ServiceLifetime.Singleton);
        });
    }

    /// <summary>Grain state and reminders on PostgreSQL through our own implementation of the ADO.NET query contract.</summary>
    public static ISiloBuilder AddCxStorage(this ISiloBuilder silo, string postgres)
    {
        // Pin the session time zone: the reminder provider sends UTC DateTimes that Npgsql may type either way.
        var cs = new NpgsqlConnectionStringBuilder(postgres) { Timezone = "UTC" }.ConnectionString;
        silo.AddAdoNetGrainStorageAsDefault(options => options.Configure<Orleans.Serialization.Serializer, IServiceProvider>((o, serializer, sp) =>
        {
            o.Invariant = StorageInvariant;
            o.ConnectionString = cs;
            // ClearStateAsync deletes the row rather than leaving an empty one behind.
            o.DeleteStateOnClear = true;
            o.GrainStorageSerializer = new GrainStateSerializer(serializer, sp);
        }));
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = StorageInvariant;
            o.ConnectionString = cs;
        });
        return silo;
    }
}
