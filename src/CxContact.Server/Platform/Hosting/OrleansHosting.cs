using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Npgsql;
using Orleans.Configuration;
using CxContact.Server.Platform.Storage;

namespace CxContact.Server.Platform.Hosting;

/// <summary>How this process joins the cluster and where grains keep state and reminders (all in PostgreSQL).</summary>
public static class OrleansHosting
{
    public const string StorageInvariant = "Npgsql";

    public static void AddCxSilo(this WebApplicationBuilder builder, PlatformSettings s, ClusterTls tls)
    {
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = s.ClusterId; o.ServiceId = s.ServiceId; });
            // Membership is in PostgreSQL with grain state, never in Redis: Redis may be emptied at any time.
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = StorageInvariant;
                o.ConnectionString = UtcPinned(s.Postgres);
            });
            if (s.Kubernetes)
                silo.UseKubernetesHosting(); // identity, address and ports come from the pod
            else
                silo.ConfigureEndpoints(s.AdvertisedIp, s.SiloPort, s.GatewayPort, listenOnAnyHostAddress: false);
            // The silo and gateway ports carry no authentication: they listen on the address other silos reach this one
            // at (the pod's, or CXC_ADVERTISED_IP, loopback by default), never on every interface, so nothing else on
            // the host or the node's network can call a grain with any tenant's id past the API.
            silo.Services.PostConfigure<Orleans.Configuration.EndpointOptions>(o =>
            {
                o.SiloListeningEndpoint = new System.Net.IPEndPoint(o.AdvertisedIPAddress, o.SiloPort);
                o.GatewayListeningEndpoint = o.GatewayPort == 0 ? null : new System.Net.IPEndPoint(o.AdvertisedIPAddress, o.GatewayPort);
            });
            // ... and they speak only mutual TLS, so reaching one is not enough: the caller must hold the cluster's certificate.
            silo.UseTls(tls.Configure);
            silo.AddCxStorage(s.Postgres);
            // Role-bound grains ([SiloRolePlacement]) go only to silos whose metadata lists their role.
            silo.UseSiloMetadata(new Dictionary<string, string> { [SiloRolePlacementFilterDirector.MetadataKey] = SiloRolesParser.Each(s.Roles) });
            silo.Services.AddPlacementFilter<SiloRolePlacementFilterStrategy, SiloRolePlacementFilterDirector>(ServiceLifetime.Singleton);
            // A grain that failed because PostgreSQL is away says so to a caller on another silo (which answers 503, see
            // Outage), rather than as an exception of unknown type.
            silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        });
    }

    /// <summary>Grain state and reminders on PostgreSQL through our own implementation of the ADO.NET query contract.</summary>
    public static ISiloBuilder AddCxStorage(this ISiloBuilder silo, string postgres)
    {
        var cs = UtcPinned(postgres);
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

    /// <summary>
    /// The connection string with the session time zone pinned to UTC: the ADO.NET providers send UTC DateTimes
    /// (reminder start times, membership times) that Npgsql may type either way.
    /// </summary>
    public static string UtcPinned(string postgres) =>
        new NpgsqlConnectionStringBuilder(postgres) { Timezone = "UTC" }.ConnectionString;
}
