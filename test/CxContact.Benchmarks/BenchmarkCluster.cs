using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Migrations;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.TestingHost;

namespace CxContact.Benchmarks;

/// <summary>
/// A one-silo in-process cluster on a fresh, migrated PostgreSQL database, with the server's production storage
/// configuration, so grain-state numbers include the real provider and our own query contract.
/// </summary>
public sealed class BenchmarkCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private BenchmarkCluster(InProcessTestCluster cluster, string postgres, string serviceId)
    {
        _cluster = cluster;
        Postgres = postgres;
        ServiceId = serviceId;
    }

    /// <summary>Connection string of this cluster's own database.</summary>
    public string Postgres { get; }

    /// <summary>The Orleans service id, which is also the service_id column of every grain-state row written here.</summary>
    public string ServiceId { get; }

    public IGrainFactory Grains => _cluster.Client;

    public static async Task<BenchmarkCluster> StartAsync(string databasePrefix, CancellationToken ct)
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync(databasePrefix);
        await using (var db = NpgsqlDataSource.Create(postgres))
            await new MigrationRunner(db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All, ct);

        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = "bench-" + Guid.NewGuid().ToString("N");
        builder.Options.ConfigureFileLogging = false;
        // The hosts start with no logging at all; warnings and errors are still worth seeing, but on stderr,
        // because the last line of stdout belongs to the JSON result.
        builder.ConfigureHost(host =>
        {
            host.Logging.ClearProviders();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        builder.ConfigureSilo((_, silo) => silo.AddCxStorage(postgres));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return new BenchmarkCluster(cluster, postgres, builder.Options.ServiceId);
    }

    /// <summary>Deactivates the grain's activation, so the next call activates it again and reads its state from storage.</summary>
    public Task DeactivateAsync(IAddressable grain) => _cluster.DeactivateAsync(grain);

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }
}
