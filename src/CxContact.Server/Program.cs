using CxContact.Server.Messaging;
using CxContact.Server.Api;
using CxContact.Server.Campaigns;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.DataProtection;
using CxContact.Server.Platform.SignIn;
using CxContact.Server.Platform.Health;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Migrations;
using CxContact.Server.Platform.Storage;
using CxContact.Server.Platform.Telemetry;
using CxContact.Server.Platform.Tenancy;
using CxContact.Server.Sftp;
using CxContact.Server.Compliance;
using CxContact.Server.Dialing;
using CxContact.Server.Suppression;
using CxContact.Server.Scheduling;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Scalar.AspNetCore;
using StackExchange.Redis;

// The composition root. Order matters: settings, then dependencies and migrations (so a missing database is
// one clear line, not a stack trace from deep inside Orleans), then the host.
var builder = WebApplication.CreateBuilder(args);
// A build (not a publish) finds the static files of the UI and the admin console through the static web assets
// manifest in every environment, not only Development, so `eng/run.sh`, the benchmarks and a bare `dotnet
// CxContact.Server.dll` serve them as a published image does (where they are copied into wwwroot).
builder.WebHost.UseStaticWebAssets();
builder.Logging.ConfigureCxLogging(builder.Configuration);
using var bootLoggers = LoggerFactory.Create(l => l.ConfigureCxLogging(builder.Configuration));
var boot = bootLoggers.CreateLogger("CxContact.Startup");

PlatformSettings settings;
ClusterTls? clusterTls = null;
try
{
    settings = PlatformSettings.Load(builder.Configuration);
    // Only a silo needs the cluster certificate; the migration job does not.
    if (!args.Contains("--migrate-only")) clusterTls = ClusterTls.Load(settings);
}
catch (InvalidSettingException e)
{
    boot.LogCritical("Cannot start: {Problem}", e.Message);
    return 2;
}
boot.LogInformation("Starting with roles {Roles}; PostgreSQL {Postgres}; Redis {Redis}; cluster {ClusterId}/{ServiceId}",
    SiloRolesParser.Format(settings.Roles), settings.PostgresForDisplay(), settings.RedisForDisplay(), settings.ClusterId, settings.ServiceId);

if (!await new DependencyProbe(settings, boot, TimeProvider.System).WaitAsync(CancellationToken.None))
    return 3;

await using var db = NpgsqlDataSource.Create(settings.Postgres);
try
{
    await new MigrationRunner(db, boot).ApplyAsync(MigrationCatalog.All);
    if (args.Contains("--migrate-only"))
    {
        // Hangfire owns its schema; creating the storage once installs or upgrades it under its own lock.
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(settings.Postgres, SchedulerHosting.StorageOptions()), SchedulerHosting.StorageOptions());
        boot.LogInformation("Migrations applied; exiting (--migrate-only)");
        return 0;
    }
    await new KeyBootstrap(db, settings, boot).RunAsync(CancellationToken.None);
}
catch (MigrationException e)
{
    boot.LogCritical("Cannot start: {Problem}", e.Message);
    return 4;
}

var services = builder.Services;
services.AddSingleton(settings);
services.AddSingleton(TimeProvider.System);
services.AddSingleton(PlatformClock.Real);
services.AddSingleton(NpgsqlDataSource.Create(settings.Postgres));
services.AddSingleton<DeadConnections>();
services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(settings.Redis));
services.AddSingleton<TenantStore>();
services.AddSingleton<CxContact.Server.Platform.Tenancy.Limits.TenantLimitsStore>();
services.AddCxLists(settings);
services.AddCxSftp(settings);
services.AddCxCompliance(settings);
services.AddCxSuppression(settings);
services.AddCxCampaigns();
services.AddCxMessaging(settings);
services.AddCxHealthChecks();
services.AddCxTelemetry(settings);
services.AddCxHangfire(settings);
services.AddCxScheduling(settings);
services.AddCxApi();
services.AddCxDataProtection();
services.AddCxSignIn(settings);
services.AddCxRequestLimits();
services.AddCxTrustedProxies(settings);
builder.AddCxSilo(settings, clusterTls!);
ShutdownDeadline.Configure(services, settings);

var app = builder.Build();
var deadline = new ShutdownDeadline(app, settings, bootLoggers);
// First: everything after it (security headers, logs) sees the client's scheme and address, not the proxy's.
app.UseForwardedHeaders();
app.UseCxPublicOrigin(settings);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCxSecurityHeaders();
if (settings.Has(SiloRoles.Api)) app.UseStaticSitePaths();
app.UseRouting();
app.UseAuthentication();
// Before anything acts on a request: a cookie-borne change without its antiforgery token goes no further.
app.UseCxAntiforgery();
// After authentication: the buckets are per key and per tenant.
app.UseCxRequestLimits();
app.UseAuthorization();

app.MapCxHealth();
var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
if (!settings.MetricsPublic) metrics.RequireAuthorization(Policies.SystemAdmin);

if (settings.Has(SiloRoles.Api))
{
    app.MapStaticAssets();
    app.MapOpenApi("/openapi/{documentName}.json");
    app.MapScalarApiReference("/api-reference", o => o.WithTitle("CX Contact API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
    app.MapCxApi();
    app.MapOcsApi();
    app.MapCxSignIn();
    // Authorization is the endpoint's (system admins: a key, or a person signed in to the system tenant); Hangfire's own
    // local-only filter would block everyone remote. Its forms carry the antiforgery token, which it checks itself.
    app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [], AppPath = "/" })
        .RequireAuthorization(Policies.SystemAdmin);
}

await app.RunAsync();
return deadline.Stopped();

/// <summary>Exposed for WebApplicationFactory in the HTTP tests.</summary>
public partial class Program;
