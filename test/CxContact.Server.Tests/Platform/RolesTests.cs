using System.Net;
using CxContact.Server.Tests.Infrastructure;
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
            // Give a server the time it would need to register (it does so within a second of starting).
            await Task.Delay(1500);
            Assert.Equal(0L, await HangfireServersAsync(apiOnly.Postgres));

            await apiOnly.With("CXC_ROLES", "api,scheduler").RestartAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await HangfireServersAsync(apiOnly.Postgres) == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.Equal(1L, await HangfireServersAsync(apiOnly.Postgres));
        }
        finally
        {
            await apiOnly.DisposeAsync();
        }
    }

    private static async Task<long> HangfireServersAsync(string postgres)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM hangfire.server");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
