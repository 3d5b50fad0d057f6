using System.Net;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>CXC_ROLES decides what starts in a process: the Hangfire server only with "scheduler".</summary>
// Not beside the other role-restricted server: Hangfire keeps some state per process, and two such servers
// starting together have been seen to count each other's Hangfire servers.
[Collection("restricted roles")]
public sealed class RolesTests
{
    [Fact]
    public async Task Only_the_scheduler_role_runs_a_hangfire_server()
    {
        var apiOnly = new ApiFactory().With("CXC_ROLES", "api");
        await apiOnly.InitializeAsync();
        try
        {
            await HttpAssert.Json(await apiOnly.Admin().GetAsync("/api/v1/me"), HttpStatusCode.OK);
            // The host that started has no Hangfire server among its hosted services, so none can ever register.
            Assert.DoesNotContain(HostedServices(apiOnly), IsHangfireServer);
            Assert.Equal(0L, await HangfireServersAsync(apiOnly.Postgres));

            await apiOnly.With("CXC_ROLES", "api,scheduler").RestartAsync();
            Assert.Contains(HostedServices(apiOnly), IsHangfireServer);
            Assert.Equal(1L, await Eventually.UntilAsync(() => HangfireServersAsync(apiOnly.Postgres), n => n > 0, every: TimeSpan.FromMilliseconds(200)));
        }
        finally
        {
            await apiOnly.DisposeAsync();
        }
    }

    private static IEnumerable<IHostedService> HostedServices(ApiFactory api) => api.Services.GetServices<IHostedService>();

    private static bool IsHangfireServer(IHostedService s) => s.GetType().Namespace?.StartsWith("Hangfire", StringComparison.Ordinal) == true;

    private static async Task<long> HangfireServersAsync(string postgres)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM hangfire.server");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
