using CxContact.Server.Tests.Infrastructure;
using CxContact.Testing.LocalServices;

namespace CxContact.Server.Tests.Platform;

/// <summary>Two server processes on one PostgreSQL and one Redis form one Orleans cluster (membership in PostgreSQL).</summary>
public sealed class ClusterTests
{
    [Fact]
    public async Task Two_server_processes_form_one_cluster()
    {
        var postgres = await LocalPostgres.CreateDatabaseAsync("cluster");
        var cluster = "two-" + Guid.NewGuid().ToString("N");
        Dictionary<string, string> Env() => new()
        {
            ["CXC_POSTGRES"] = postgres,
            ["CXC_REDIS"] = LocalRedis.ConfigurationString,
            ["CXC_CLUSTER_ID"] = cluster,
            ["CXC_SERVICE_ID"] = cluster,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LocalProcess.FreePort()}",
            ["CXC_SILO_PORT"] = LocalProcess.FreePort().ToString(),
            ["CXC_GATEWAY_PORT"] = LocalProcess.FreePort().ToString(),
        };
        var (envA, envB) = (Env(), Env());
        envB["CXC_ROLES"] = "compliance,campaign";

        await using var a = ServerProcess.Start(envA);
        await using var b = ServerProcess.Start(envB);

        var timeout = TimeSpan.FromSeconds(120);
        await a.WaitForAsync(envA["ASPNETCORE_URLS"] + "/health/ready", body => body.Contains("2 active silo(s)"), timeout);
        await b.WaitForAsync(envB["ASPNETCORE_URLS"] + "/health/ready", body => body.Contains("2 active silo(s)"), timeout);

        // The roles decide what runs: B hosts grains but serves no API.
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(envB["ASPNETCORE_URLS"] + "/api/v1/me")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(envA["ASPNETCORE_URLS"] + "/api/v1/me")).StatusCode);
    }
}
