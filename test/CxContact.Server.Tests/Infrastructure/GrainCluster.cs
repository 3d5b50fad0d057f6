using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Migrations;
using CxContact.Testing.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.TestingHost;

namespace CxContact.Server.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans cluster whose grain state and reminders live in a PostgreSQL database of its own,
/// through the same storage configuration and migrations the server uses. <see cref="RestartAsync"/> throws the
/// whole cluster away and starts a new one on the same database and service id, as a redeploy would.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    private readonly string _serviceId = "grains-" + Guid.NewGuid().ToString("N");
    private InProcessTestCluster? _cluster;

    public string Postgres { get; private set; } = "";
    public IGrainFactory Grains => _cluster!.Client;

    /// <summary>The silo's own services (its serializers, say).</summary>
    public IServiceProvider SiloServices => _cluster!.GetSiloServiceProvider();

    public async Task InitializeAsync()
    {
        Postgres = await LocalPostgres.CreateDatabaseAsync("grains");
        await using var db = NpgsqlDataSource.Create(Postgres);
        await new MigrationRunner(db, NullLogger.Instance).ApplyAsync(MigrationCatalog.All);
        await StartAsync();
    }

    public async Task RestartAsync()
    {
        await _cluster!.DisposeAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        builder.Options.ConfigureFileLogging = false;
        var postgres = Postgres;
        builder.ConfigureSilo((_, silo) => silo.AddCxStorage(postgres));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }
}
