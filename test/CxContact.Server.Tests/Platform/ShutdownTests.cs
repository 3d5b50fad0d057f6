using System.Diagnostics;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;
using Npgsql;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// SIGTERM ends a server process within CXC_SHUTDOWN_TIMEOUT_SECONDS with Redis or PostgreSQL gone, and its exit code
/// says whether it left the cluster cleanly, which its row in the membership table (PostgreSQL) is the oracle of. With
/// Redis down it can (membership is in PostgreSQL): it marks itself Dead and exits 0. With PostgreSQL down it cannot:
/// it exits non-zero at the deadline, and its row still says Active. A PostgreSQL and a Redis of its own, which the
/// tests stop; two processes in clusters of their own, so that neither marks the other dead.
/// </summary>
public sealed class ShutdownTests
{
    private const int TimeoutSeconds = 10;
    /// <summary>For the process to end once it decided to, and for this test to see it.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);
    private static readonly Dictionary<string, string> Settings = new() { ["CXC_SHUTDOWN_TIMEOUT_SECONDS"] = TimeoutSeconds.ToString() };

    [Fact]
    public async Task SIGTERM_ends_the_process_in_time_with_Redis_or_PostgreSQL_down_and_its_exit_code_says_whether_it_deregistered()
    {
        using var pg = PrivatePostgres.Start();
        using var redis = PrivateRedis.Start();
        var postgres = await pg.CreateDatabaseAsync("shutdown");
        using var withoutRedis = new ServerDeployment(postgres, redis.ConfigurationString, Settings);
        using var withoutPostgres = new ServerDeployment(postgres, redis.ConfigurationString, Settings);
        await using var stoppedWithoutRedis = withoutRedis.Start();
        await using var stoppedWithoutPostgres = withoutPostgres.Start();
        await Task.WhenAll(ReadyAsync(stoppedWithoutRedis), ReadyAsync(stoppedWithoutPostgres));

        // Redis down: membership is in PostgreSQL, so the silo marks itself Dead there and exits 0.
        redis.Stop(save: false);
        var (code, took) = await TerminateAsync(stoppedWithoutRedis);
        Assert.True(code == 0, $"exited with {code} after {took}:\n{stoppedWithoutRedis.Output}");
        Assert.Equal(6, await MembershipStatusAsync(withoutRedis)); // SiloStatus.Dead
        redis.StartAgain();
        await ReadyAsync(stoppedWithoutPostgres);

        // PostgreSQL down: the silo cannot mark itself Dead; it exits at the deadline and says so.
        pg.Stop();
        (code, took) = await TerminateAsync(stoppedWithoutPostgres);
        Assert.True(code == ShutdownDeadline.NotDeregistered, $"exited with {code} after {took}:\n{stoppedWithoutPostgres.Output}");
        Assert.Contains("could not mark itself dead", stoppedWithoutPostgres.Output);
        pg.StartAgain();
        Assert.Equal(3, await MembershipStatusAsync(withoutPostgres)); // SiloStatus.Active: the other silos must find out by probing
    }

    /// <summary>SIGTERM, then the exit code and how long it took, which must be within the timeout.</summary>
    private static async Task<(int Code, TimeSpan Took)> TerminateAsync(ServerProcess server)
    {
        var clock = Stopwatch.StartNew();
        server.Terminate();
        int code;
        try { code = await server.WaitForExitAsync(TimeSpan.FromSeconds(TimeoutSeconds) + Slack); }
        catch (OperationCanceledException) { throw new TimeoutException($"still running {clock.Elapsed} after SIGTERM:\n{server.Output}"); }
        return (code, clock.Elapsed);
    }

    private static Task ReadyAsync(ServerProcess server) => server.WaitForAsync(server.BaseUrl + "/health/ready", _ => true, TimeSpan.FromSeconds(120));

    /// <summary>The status (Orleans' SiloStatus) the deployment's one silo has in the membership table.</summary>
    private static async Task<int> MembershipStatusAsync(ServerDeployment deployment)
    {
        await using var db = NpgsqlDataSource.Create(deployment.Postgres);
        await using var cmd = db.CreateCommand("SELECT status FROM orleans_membership WHERE cluster_id = @c");
        cmd.Parameters.AddWithValue("c", deployment.ClusterId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }
}
